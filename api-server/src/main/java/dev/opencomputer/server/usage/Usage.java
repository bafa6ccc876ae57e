package dev.opencomputer.server.usage;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UsageMeter;
import dev.opencomputer.session.UsageMeter.Metered;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A tenant's usage, derived from the event log rather than kept in a table of its own: the log is
 * already the durable, append-only record of every run's start and end, written in the same
 * transaction as the status, so the figures can never disagree with what happened and need no
 * second write on the hot path. Each session's figures are the fold of its metered events
 * ({@link UsageMeter}), read through the {@link EventLog}; a run still in progress counts until now.
 */
@Component
public class Usage {

    private final EventLog eventLog;
    private final Clock clock;

    Usage(EventLog eventLog, Clock clock) {
        this.eventLog = eventLog;
        this.clock = clock;
    }

    /** The tenant's usage in {@code [from, to)}: the sessions that used something, in id order, and the total. */
    public UsageReport report(TenantId tenant, Instant from, Instant to) {
        Instant now = clock.instant();
        Instant end = to.isAfter(now) ? now : to;
        Map<SessionId, UsageMeter> meters = new LinkedHashMap<>();
        for (LoggedEvent event : eventLog.readTenantWindow(tenant, from, to, UsageMeter.METERED)) {
            meters.computeIfAbsent(event.sessionId(), id -> new UsageMeter(from, end)).apply(event);
        }
        List<SessionUsage> sessions = new ArrayList<>();
        Metered total = Metered.NONE;
        for (Map.Entry<SessionId, UsageMeter> entry : meters.entrySet()) {
            Metered metered = entry.getValue().metered();
            if (metered.isEmpty()) {
                continue;
            }
            sessions.add(view(entry.getKey().value(), metered));
            total = total.plus(metered);
        }
        return new UsageReport(from, to, sessions, view(null, total));
    }

    private static SessionUsage view(String session, Metered m) {
        return new SessionUsage(session, m.runningMillis() / 1000.0, m.calls(), m.tokens().inputTokens(),
                m.tokens().outputTokens(), m.tokens().cacheReadInputTokens(), m.tokens().cacheCreationInputTokens());
    }
}
