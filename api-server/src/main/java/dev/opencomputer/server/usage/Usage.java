package dev.opencomputer.server.usage;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.server.budgets.BudgetView;
import dev.opencomputer.server.budgets.SessionBudgets;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.session.Spend;
import java.math.BigDecimal;
import java.util.HashMap;
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
 * Dollars come from the price table; each session's budget (limits, exhaustion) from its own log.
 */
@Component
public class Usage {

    private final EventLog eventLog;
    private final Clock clock;
    private final PriceTable prices;
    private final SessionBudgets budgets;

    Usage(EventLog eventLog, Clock clock, PriceTable prices, SessionBudgets budgets) {
        this.eventLog = eventLog;
        this.clock = clock;
        this.prices = prices;
        this.budgets = budgets;
    }

    /** The tenant's usage in {@code [from, to)}: the sessions that used something, in id order, and the total. */
    public UsageReport report(TenantId tenant, Instant from, Instant to) {
        Instant now = clock.instant();
        Instant end = to.isAfter(now) ? now : to;
        Map<SessionId, UsageMeter> meters = new LinkedHashMap<>();
        Map<SessionId, BigDecimal> costs = new HashMap<>();
        // streamed: a year of a busy tenant's metered events is folded as read, never held as a list
        eventLog.forEachInTenantWindow(tenant, from, to, UsageMeter.METERED, (LoggedEvent event) -> {
            meters.computeIfAbsent(event.sessionId(), id -> new UsageMeter(from, end)).apply(event);
            if (event.event() instanceof AgentMessage m && !event.time().isBefore(from)) {
                prices.price(m.model()).ifPresent(p -> costs.merge(event.sessionId(), p.cost(m.usage()), BigDecimal::add));
            }
        });
        List<SessionUsage> sessions = new ArrayList<>();
        Metered total = Metered.NONE;
        BigDecimal totalCost = BigDecimal.ZERO;
        for (Map.Entry<SessionId, UsageMeter> entry : meters.entrySet()) {
            Metered metered = entry.getValue().metered();
            if (metered.isEmpty()) {
                continue;
            }
            BigDecimal cost = costs.getOrDefault(entry.getKey(), BigDecimal.ZERO);
            sessions.add(view(entry.getKey().value(), metered, cost, budgets.standing(tenant, entry.getKey())));
            total = total.plus(metered);
            totalCost = totalCost.add(cost);
        }
        return new UsageReport(from, to, sessions, view(null, total, totalCost, null));
    }

    private static SessionUsage view(String session, Metered m, BigDecimal cost, BudgetView budget) {
        return new SessionUsage(session, m.runningMillis() / 1000.0, m.calls(), m.tokens().inputTokens(),
                m.tokens().outputTokens(), m.tokens().cacheReadInputTokens(), m.tokens().cacheCreationInputTokens(),
                Spend.plain(cost), budget);
    }
}
