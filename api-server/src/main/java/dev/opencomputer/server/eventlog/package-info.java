/** Wires the event log (event-log module) into the application: settings, LISTEN connection, shutdown, metrics. */
package dev.opencomputer.server.eventlog;
