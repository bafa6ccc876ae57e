/** The JSON wire form of events: what is stored in {@code session_events.data} and what clients receive. */
package dev.opencomputer.eventlog.json;
