package dev.opencomputer.sdk.usage;

import java.time.Instant;
import java.util.List;

/** Usage in {@code [from, to)}: per session (those with any) and in total. */
public record UsageReport(Instant from, Instant to, List<SessionUsage> sessions, SessionUsage total) {

    public UsageReport {
        sessions = sessions == null ? List.of() : List.copyOf(sessions);
    }
}
