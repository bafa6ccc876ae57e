/** {@code /v1/sessions}: starting sessions, their messages, their event log as pages and as a live SSE stream. */
package dev.opencomputer.server.sessions;
