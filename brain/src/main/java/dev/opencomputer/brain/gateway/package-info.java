/**
 * The model gateway: the only way from a sandbox to a model. It serves each sandbox's Unix socket,
 * checks a session-scoped token, swaps in the real key from the secret store, passes the provider's
 * wire format through (streaming) and counts the tokens used.
 */
package dev.opencomputer.brain.gateway;
