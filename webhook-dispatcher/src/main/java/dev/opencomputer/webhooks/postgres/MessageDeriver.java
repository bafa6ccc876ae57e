package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.eventlog.LogTail;
import dev.opencomputer.eventlog.TailedSession;
import dev.opencomputer.session.Ids;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.webhooks.EventFilter;
import dev.opencomputer.webhooks.RetryPolicy;
import dev.opencomputer.webhooks.WebhookMessage;
import java.sql.Array;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Turns the log into messages: reads what follows the dispatcher's cursors, stores one message
 * per (enabled endpoint whose filter matches, event at or after the endpoint's creation), and only
 * then moves the cursors, so a crash at any point re-derives (the messages' unique key drops the
 * repeats) rather than loses an event. Messages due at once that the dispatcher has room for are
 * stored already leased to it (no separate claim); the others wait in the table for the claimer.
 */
final class MessageDeriver {

    static final String CONSUMER = "webhook-dispatcher";
    private static final int SESSIONS_PER_PASS = 200;
    private static final int EVENTS_PER_SESSION = 500;

    private final LogTail tail;
    private final MessageQueue queue;
    private final JdbcClient jdbc;
    private final RetryPolicy retries;
    private final Clock clock;
    private final Runnable stored;
    /** How many sessions the last pass found; only the deriving thread uses it. */
    private int lastSessions = 1;

    MessageDeriver(LogTail tail, MessageQueue queue, DataSource dataSource, RetryPolicy retries, Clock clock,
            Runnable stored) {
        this.stored = stored;
        this.tail = tail;
        this.queue = queue;
        this.jdbc = JdbcClient.create(dataSource);
        this.retries = retries;
        this.clock = clock;
    }

    private record Target(String id, String tenantId, EventFilter filter, Instant createdAt, String url,
            int secretVersion, Instant previousSecretUntil) {
    }

    /**
     * One pass over about {@code maxEvents} events, leasing to {@code owner} (until
     * {@code leaseUntil}) at most {@code room} of the new messages and at most
     * {@code freeSlots(endpoint)} of each endpoint's; the leased ones go to {@code admit} as soon as
     * they are stored (before the cursors move). Returns how many events it consumed (0 when caught up).
     */
    int derive(int maxEvents, String owner, int room, ToIntFunction<String> freeSlots, Instant leaseUntil,
            Consumer<List<MessageQueue.Claimed>> admit) {
        // about maxEvents in all: spread over as many sessions as the last pass saw (the tail reads per session)
        int perSession = Math.clamp(maxEvents / Math.max(1, lastSessions), 1, EVENTS_PER_SESSION);
        List<TailedSession> sessions = tail.pending(CONSUMER, SESSIONS_PER_PASS, perSession);
        lastSessions = sessions.size();
        if (sessions.isEmpty()) {
            return 0;
        }
        // a pass of webhook.sent records only (each delivery adds one) needs no endpoints
        Set<String> tenants = sessions.stream()
                .filter(s -> s.events().stream().anyMatch(e -> !WebhookMessage.NEVER_SENT.equals(e.type())))
                .map(s -> s.tenantId().value()).collect(Collectors.toSet());
        Map<String, List<Target>> targets = tenants.isEmpty() ? Map.of() : targets(tenants);
        Instant now = clock.instant();
        List<MessageQueue.NewMessage> messages = new ArrayList<>();
        Map<SessionId, Long> consumed = new HashMap<>();
        Map<String, Integer> leasedPerEndpoint = new HashMap<>();
        Map<String, Target> byId = new HashMap<>();
        int events = 0;
        int leasing = 0;
        boolean unleased = false;
        for (TailedSession session : sessions) {
            List<Target> endpoints = targets.getOrDefault(session.tenantId().value(), List.of());
            for (TailedSession.Event event : session.events()) {
                events++;
                String body = null;
                for (Target target : endpoints) {
                    if (target.filter().matches(event.type()) && !event.time().isBefore(target.createdAt())) {
                        body = body != null ? body : body(session, event);
                        Instant due = now.plus(retries.first());
                        int taken = leasedPerEndpoint.getOrDefault(target.id(), 0);
                        boolean lease = leasing < room && !due.isAfter(now) && taken < freeSlots.applyAsInt(target.id());
                        if (lease) {
                            leasing++;
                            leasedPerEndpoint.put(target.id(), taken + 1);
                            byId.putIfAbsent(target.id(), target);
                        } else {
                            unleased = true;
                        }
                        messages.add(new MessageQueue.NewMessage(Ids.next(WebhookMessage.ID_PREFIX, now), target.id(),
                                target.tenantId(), session.sessionId().value(), event.seq(), event.type(), body, due,
                                lease));
                    }
                }
            }
            consumed.put(session.sessionId(), session.lastSeq());
        }
        Set<String> held = queue.insert(messages, now, owner, leaseUntil);
        List<MessageQueue.Claimed> leased = new ArrayList<>(held.size());
        for (MessageQueue.NewMessage m : messages) {
            if (m.leased() && held.contains(m.id())) {
                Target t = byId.get(m.endpointId());
                leased.add(new MessageQueue.Claimed(m.id(), m.endpointId(), m.tenantId(), m.sessionId(), m.eventSeq(),
                        m.type(), m.body(), 1, 1, t.url(), t.secretVersion(), t.previousSecretUntil()));
            }
        }
        admit.accept(leased);
        if (unleased) {
            stored.run(); // the claimer may start before the cursor moves
        }
        tail.advance(CONSUMER, consumed);
        return events;
    }

    private Map<String, List<Target>> targets(Set<String> tenants) {
        return jdbc.sql("""
                        SELECT id, tenant_id, events, created_at, url, secret_version, previous_secret_until
                        FROM webhook_endpoints WHERE tenant_id = ANY (?) AND disabled_at IS NULL""")
                .param(tenants.toArray(String[]::new))
                .query((rs, n) -> {
                    Array events = rs.getArray(3);
                    List<String> patterns = events == null ? null : Arrays.asList((String[]) events.getArray());
                    java.sql.Timestamp previous = rs.getTimestamp(7);
                    return new Target(rs.getString(1), rs.getString(2), new EventFilter(patterns),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getInt(6),
                            previous == null ? null : previous.toInstant());
                })
                .list().stream().collect(Collectors.groupingBy(Target::tenantId));
    }

    /** {@code {"type", "timestamp", "data": {"sessionId", "seq", "agentId", "event"}}}, the event spliced in as stored. */
    static String body(TailedSession session, TailedSession.Event event) {
        StringBuilder json = new StringBuilder(event.json().length() + 200);
        json.append("{\"type\":\"");
        JsonStringEncoder.getInstance().quoteAsString(event.type(), json);
        json.append("\",\"timestamp\":\"").append(event.time()).append("\",\"data\":{\"sessionId\":\"")
                .append(session.sessionId().value()).append("\",\"seq\":").append(event.seq())
                .append(",\"agentId\":\"").append(session.agentId().value()).append("\",\"event\":")
                .append(event.json()).append("}}");
        return json.toString();
    }
}
