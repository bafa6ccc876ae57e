package dev.opencomputer.eventlog.postgres;

import java.time.Instant;

import java.nio.charset.StandardCharsets;

/** One row of {@code session_events}, its data still JSON as it came from the server (UTF-8). */
record EventRow(long seq, String type, byte[] data, Instant time) {

    String dataText() {
        return new String(data, StandardCharsets.UTF_8);
    }
}
