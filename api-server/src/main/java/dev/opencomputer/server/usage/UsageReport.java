package dev.opencomputer.server.usage;

import java.time.Instant;
import java.util.List;

/** The answer to {@code GET /v1/usage}: usage in {@code [from, to)} per session (those with any) and in total. */
public record UsageReport(Instant from, Instant to, List<SessionUsage> sessions, SessionUsage total) {
}
