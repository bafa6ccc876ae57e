/**
 * Sessions: starting them, sending messages, and reading their event log page by page or as a
 * live, resuming stream of typed {@link dev.opencomputer.sdk.sessions.SessionEvent}s.
 */
package dev.opencomputer.sdk.sessions;
