/**
 * The OpenComputer Java client: {@link dev.opencomputer.sdk.OpenComputer}, its per-call options,
 * pagination and the one exception hierarchy every call throws.
 */
package dev.opencomputer.sdk;
