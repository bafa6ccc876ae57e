/** {@code /v1/usage}: a tenant's running time and model tokens per session, derived from the event log. */
package dev.opencomputer.server.usage;
