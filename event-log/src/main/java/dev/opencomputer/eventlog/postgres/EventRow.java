package dev.opencomputer.eventlog.postgres;

import java.time.Instant;

/** One row of {@code session_events}, its data still JSON text. */
record EventRow(long seq, String type, String data, Instant time) {
}
