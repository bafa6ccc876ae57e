package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.EventPage;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.EventTooLargeException;
import dev.opencomputer.eventlog.LogTail;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.SessionAlreadyExistsException;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.session.EphemeralEvent;
import dev.opencomputer.session.EventCatalogue;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UnloggedEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link EventLog} on PostgreSQL ({@code session_events} and {@code sessions}, migration
 * {@code db/migration/event-log}). Appends are group-committed ({@link GroupCommitter}); live
 * subscriptions are woken by local appends, by one LISTEN connection for appends on other
 * replicas ({@link NotificationListener}) and by a safety poll, and always read from the table.
 *
 * <p>Call {@link #start()} before use and {@link #close()} at shutdown. It needs
 * {@code committers + readConcurrency + 2} connections of {@code dataSource} at peak, plus one
 * long-lived LISTEN connection from {@code listenerDataSource} (which may be the same pool, or
 * better a plain unpooled source).
 */
public final class PostgresEventLog implements EventLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresEventLog.class);
    private static final String INSERT_SESSION = """
            INSERT INTO sessions (id, tenant_id, agent_id, agent_version, status, last_seq, created_at, updated_at, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""";

    private final DataSource dataSource;
    private final EventLogProperties properties;
    private final Clock clock;
    private final EventJson json = new EventJson();
    private final EventTable table;
    private final SessionFeeds feeds;
    private final GroupCommitter committer;
    private final NotificationListener listener;
    private final ScheduledExecutorService poller;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final PostgresLogTail tail;
    private final EphemeralRelay relay;
    private volatile long lastPollNanos;

    public PostgresEventLog(DataSource dataSource, EventLogProperties properties, Clock clock) {
        this(dataSource, dataSource, properties, clock);
    }

    public PostgresEventLog(DataSource dataSource, DataSource listenerDataSource, EventLogProperties properties,
            Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.table = new EventTable(dataSource, properties.readConcurrency(), properties.maxReadBytes().toBytes());
        this.feeds = new SessionFeeds(table, json, properties.readBatchSize(), properties.recentEventsPerSession(),
                properties.recentBytesPerSession().toBytes(), properties.ephemeralBufferPerSubscriber());
        this.committer = new GroupCommitter(dataSource, clock, properties.committers(), properties.maxBatchEvents(),
                properties.queueCapacity(), feeds::signal);
        this.poller = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("oc-event-log-poll").factory());
        this.relay = new EphemeralRelay(dataSource, feeds, json);
        this.listener = new NotificationListener(Objects.requireNonNull(listenerDataSource, "listenerDataSource"),
                feeds, () -> poller.execute(this::poll), properties.listenerReconnectMaxBackoff(), relay::receive);
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.tail = new PostgresLogTail(dataSource, json, properties.maxReadBytes().toBytes());
        feeds.onCommitted(tail::committed);
    }

    /** Starts the committers, the LISTEN connection and the safety poll. */
    public PostgresEventLog start() {
        committer.start();
        listener.start();
        long tick = properties.fallbackPollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollWhenDue, tick, tick, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public List<LoggedEvent> create(NewSession session, List<? extends SessionEvent> firstEvents) {
        if (firstEvents.isEmpty() || !(firstEvents.getFirst() instanceof SessionStarted)) {
            throw new IllegalArgumentException("a session's log begins with session.started");
        }
        String[] data = encode(firstEvents);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OffsetDateTime nowAtUtc = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        long lastSeq = firstEvents.size();
        List<LoggedEvent> logged = transactions.execute(status -> jdbc.execute((ConnectionCallback<List<LoggedEvent>>) c -> {
            try (PreparedStatement s = c.prepareStatement(INSERT_SESSION)) {
                s.setString(1, session.id().value());
                s.setString(2, session.tenantId().value());
                s.setString(3, session.agentId().value());
                s.setInt(4, session.agentVersion());
                s.setString(5, SessionStatus.fold(firstEvents).wireName());
                s.setLong(6, lastSeq);
                s.setObject(7, nowAtUtc);
                s.setObject(8, nowAtUtc);
                s.setString(9, json.mapper().writeValueAsString(session.metadata()));
                s.executeUpdate();
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    throw new SessionAlreadyExistsException(session.id());
                }
                throw e;
            }
            EventTable.insertAndNotify(c, rows(session.id(), firstEvents, data), now, Map.of(session.id(), lastSeq));
            List<LoggedEvent> events = new ArrayList<>(firstEvents.size());
            long seq = 1;
            for (SessionEvent event : firstEvents) {
                events.add(new LoggedEvent(session.id(), seq++, now, event));
            }
            return events;
        }));
        afterCommit(() -> feeds.signal(session.id(), lastSeq));
        return logged;
    }

    @Override
    public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events) {
        return append(session, events, null);
    }

    @Override
    public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events, long fencingToken) {
        return append(session, events, Long.valueOf(fencingToken));
    }

    private List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events, Long fence) {
        Objects.requireNonNull(session, "session");
        if (events.isEmpty()) {
            return List.of();
        }
        relay.flush(session); // the deltas of a message reach the other replicas before the message
        return committer.append(session, events, encode(events), fence);
    }

    @Override
    public Map<SessionId, RuntimeException> appendEach(Map<SessionId, ? extends List<? extends SessionEvent>> events) {
        Map<SessionId, RuntimeException> failures = new java.util.LinkedHashMap<>();
        List<GroupCommitter.Pending> group = new ArrayList<>(events.size());
        events.forEach((session, list) -> {
            Objects.requireNonNull(session, "session");
            if (list.isEmpty()) {
                return;
            }
            try {
                group.add(new GroupCommitter.Pending(session, List.copyOf(list), encode(list), null,
                        new java.util.concurrent.CompletableFuture<>()));
            } catch (RuntimeException e) {
                failures.put(session, e);
            }
        });
        if (group.isEmpty()) {
            return failures;
        }
        var results = committer.appendAll(group);
        for (int i = 0; i < group.size(); i++) {
            try {
                results.get(i).join();
            } catch (java.util.concurrent.CompletionException e) {
                failures.put(group.get(i).session(), e.getCause() instanceof RuntimeException r ? r
                        : new IllegalStateException(e.getCause()));
            }
        }
        return failures;
    }

    @Override
    public List<LoggedEvent> readAfter(SessionId session, long afterSeq, int limit) {
        if (afterSeq < 0 || limit < 1) {
            throw new IllegalArgumentException("afterSeq must be 0 or more and limit 1 or more");
        }
        List<EventRow> rows = table.readAfter(session, afterSeq, limit);
        List<LoggedEvent> events = new ArrayList<>(rows.size());
        for (EventRow row : rows) {
            events.add(new LoggedEvent(session, row.seq(), row.time(), json.readStored(row.type(), row.dataText())));
        }
        return events;
    }

    @Override
    public List<LoggedEvent> readOfTypes(SessionId session, Set<Class<? extends SessionEvent>> types) {
        List<LoggedEvent> events = new ArrayList<>();
        for (EventRow row : table.readOfTypes(session, wireNames(types))) {
            events.add(new LoggedEvent(session, row.seq(), row.time(), json.readStored(row.type(), row.dataText())));
        }
        return events;
    }

    @Override
    public List<LoggedEvent> readTenantWindow(TenantId tenant, Instant from, Instant to,
                                              Set<Class<? extends SessionEvent>> types) {
        List<LoggedEvent> events = new ArrayList<>();
        forEachInTenantWindow(tenant, from, to, types, events::add);
        return events;
    }

    @Override
    public void forEachInTenantWindow(TenantId tenant, Instant from, Instant to,
                                      Set<Class<? extends SessionEvent>> types, Consumer<? super LoggedEvent> each) {
        String[] active = Arrays.stream(SessionStatus.values()).filter(SessionStatus::isRunnable)
                .map(SessionStatus::wireName).toArray(String[]::new);
        table.readTenantWindow(tenant, from, to, active, wireNames(types), r -> {
            EventRow row = r.row();
            each.accept(new LoggedEvent(r.session(), row.seq(), row.time(), json.readStored(row.type(), row.dataText())));
        });
    }

    @Override
    public EventPage readPage(SessionId session, long afterSeq, int limit, long maxBytes) {
        if (afterSeq < 0 || limit < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("afterSeq must be 0 or more, limit and maxBytes 1 or more");
        }
        // one more than asked for: whether an event follows the page
        EventTable.Bounded read = table.readAfterBounded(session, afterSeq, limit + 1, maxBytes);
        List<EventRow> rows = read.rows();
        boolean more = read.cut() || rows.size() > limit;
        List<EventRow> kept = rows.size() > limit ? rows.subList(0, limit) : rows;
        List<LoggedEvent> events = new ArrayList<>(kept.size());
        for (EventRow row : kept) {
            events.add(new LoggedEvent(session, row.seq(), row.time(), json.readStored(row.type(), row.dataText())));
        }
        return new EventPage(events, more);
    }

    private static String[] wireNames(Set<Class<? extends SessionEvent>> types) {
        return types.stream().map(EventCatalogue::storedName).toArray(String[]::new);
    }

    @Override
    public Flow.Publisher<StreamItem> subscribe(SessionId session, long afterSeq) {
        Objects.requireNonNull(session, "session");
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must be 0 or more: " + afterSeq);
        }
        return subscriber -> feeds.subscribe(session, afterSeq, 0, Objects.requireNonNull(subscriber, "subscriber"));
    }

    @Override
    public Flow.Publisher<List<StreamItem>> subscribeInBatches(SessionId session, long afterSeq, int maxBatch) {
        Objects.requireNonNull(session, "session");
        if (afterSeq < 0 || maxBatch < 1) {
            throw new IllegalArgumentException("afterSeq must be 0 or more and maxBatch 1 or more");
        }
        return subscriber -> feeds.subscribe(session, afterSeq, maxBatch,
                Objects.requireNonNull(subscriber, "subscriber"));
    }

    @Override
    public void publish(SessionId session, EphemeralEvent event) {
        UnloggedEvent unlogged = new UnloggedEvent(session, clock.instant(), event);
        StreamItem item = StreamItem.of(unlogged, json.envelope(session, 0, event.type(), unlogged.time(),
                json.data(event)));
        long after = feeds.publish(item);
        relay.offer(item, Math.max(0, after));
    }

    /** The NOTIFY transactions that carried ephemeral events to other replicas so far (for tests). */
    long ephemeralRelaySends() {
        return relay.sends();
    }

    /** Every session's log for consumers with durable cursors (table {@code log_cursors}). */
    public LogTail tail() {
        return tail;
    }

    /** The codec this log stores event data with. */
    public EventJson json() {
        return json;
    }

    /** How many live subscriptions this replica holds. */
    public int activeSubscriptions() {
        return feeds.subscriptions();
    }

    /**
     * Completes every live subscription of this replica (its subscribers reconnect, to this or
     * another replica, and resume); used at shutdown so that open streams do not hold it up.
     */
    public void completeSubscriptions() {
        feeds.completeAll();
    }

    /** Whether the LISTEN connection is up. */
    public boolean listening() {
        return listener.listening();
    }

    /** The server process id of the LISTEN connection, 0 while it is down. */
    int listenerBackendPid() {
        return listener.backendPid();
    }

    private String[] encode(List<? extends SessionEvent> events) {
        long limit = properties.maxEventSize().toBytes();
        String[] data = new String[events.size()];
        for (int i = 0; i < data.length; i++) {
            SessionEvent event = Objects.requireNonNull(events.get(i), "event");
            data[i] = json.data(event);
            // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
            if ((long) data[i].length() * 3 > limit) {
                long size = data[i].getBytes(StandardCharsets.UTF_8).length;
                if (size > limit) {
                    throw new EventTooLargeException(event.type(), size, limit);
                }
            }
        }
        return data;
    }

    private static EventTable.Rows rows(SessionId session, List<? extends SessionEvent> events, String[] data) {
        int n = events.size();
        String[] sessions = new String[n];
        Long[] seqs = new Long[n];
        String[] types = new String[n];
        for (int i = 0; i < n; i++) {
            sessions[i] = session.value();
            seqs[i] = (long) i + 1;
            types[i] = events.get(i).type();
        }
        return new EventTable.Rows(sessions, seqs, types, data);
    }

    private static void afterCommit(Runnable task) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    task.run();
                }
            });
        } else {
            task.run();
        }
    }

    private void pollWhenDue() {
        boolean due = !listener.listening()
                || System.nanoTime() - lastPollNanos >= properties.pollInterval().toNanos();
        if (due) {
            poll();
        }
    }

    /** Signals every subscribed session with its last seq from the table: the safety net. */
    private void poll() {
        lastPollNanos = System.nanoTime();
        Set<SessionId> sessions = feeds.sessions();
        if (sessions.isEmpty()) {
            return;
        }
        try {
            feeds.signal(table.lastSeqs(sessions));
        } catch (RuntimeException e) {
            log.warn("cannot poll the last seqs of {} sessions: {}", sessions.size(), e.toString());
        }
    }

    /** Commits what is queued, completes every subscription and stops all threads. */
    @Override
    public void close() {
        committer.close();
        relay.close();
        listener.close();
        poller.shutdownNow();
        feeds.close();
    }
}
