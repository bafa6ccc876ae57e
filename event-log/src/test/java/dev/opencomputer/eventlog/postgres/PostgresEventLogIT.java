package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.EventTooLargeException;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.SessionAlreadyExistsException;
import dev.opencomputer.eventlog.SessionNotFoundException;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TokenUsage;
import dev.opencomputer.session.UnknownEvent;
import dev.opencomputer.session.UnloggedEvent;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class PostgresEventLogIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private MigratedDatabase db;
    private PostgresEventLog log;

    @BeforeEach
    void createDatabase() {
        db = MigratedDatabase.create();
        log = db.newLog();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        db.close();
    }

    @Test
    void sixteenThreadsAppendingToOneSessionGetEverySeqFromOneToNExactlyOnce() throws Exception {
        SessionId session = db.newSession(log);
        int threads = 16;
        int appendsPerThread = 150;
        Map<Integer, List<LoggedEvent>> byThread = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    List<LoggedEvent> mine = new ArrayList<>();
                    for (int i = 0; i < appendsPerThread; i++) {
                        if (i % 10 == 0) {
                            mine.addAll(log.append(session, List.of(message(thread, i, 'a'), message(thread, i, 'b'),
                                    message(thread, i, 'c'))));
                        } else {
                            mine.add(log.append(session, message(thread, i, 'x')));
                        }
                    }
                    byThread.put(thread, mine);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        long appended = threads * (appendsPerThread + 2L * (appendsPerThread / 10));
        List<LoggedEvent> all = log.readAfter(session, 0, 100_000);
        assertThat(all).extracting(LoggedEvent::seq).containsExactlyElementsOf(range(1, 2 + appended));
        assertThat(db.queryLong("SELECT last_seq FROM sessions WHERE id = '" + session + "'")).isEqualTo(2 + appended);
        for (List<LoggedEvent> mine : byThread.values()) {
            // what one thread appended is in its order, each batch contiguous, and stored as returned
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i).seq()).isGreaterThan(mine.get(i - 1).seq());
            }
            for (LoggedEvent event : mine) {
                assertThat(all.get((int) event.seq() - 1).event()).isEqualTo(event.event());
            }
        }
    }

    @Test
    void aBatchGetsConsecutiveSeqsEvenWhileOthersAppend() throws Exception {
        SessionId session = db.newSession(log);
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<List<LoggedEvent>>> batches = new ArrayList<>();
            for (int t = 0; t < 40; t++) {
                int batch = t;
                batches.add(pool.submit(() -> log.append(session,
                        List.of(message(batch, 0, 'a'), message(batch, 1, 'b'), message(batch, 2, 'c')))));
            }
            for (Future<List<LoggedEvent>> f : batches) {
                List<LoggedEvent> batch = f.get(1, TimeUnit.MINUTES);
                assertThat(batch.get(1).seq()).isEqualTo(batch.get(0).seq() + 1);
                assertThat(batch.get(2).seq()).isEqualTo(batch.get(0).seq() + 2);
            }
        }
        assertThat(log.readAfter(session, 0, 1000)).extracting(LoggedEvent::seq).containsExactlyElementsOf(range(1, 122));
    }

    @Test
    void everySubscriberOnAnotherReplicaSeesAllThousandEventsInOrderWhileItsListenerIsKilled() throws Exception {
        // Replica B learns of A's appends only through LISTEN (its periodic poll is set far away):
        // what it misses while its listener is dead it must catch up on when it reconnects.
        PostgresEventLog replicaB = db.newLog(new EventLogProperties(0, 0, 0, null, 0, 0, 0, 0,
                Duration.ofHours(1), Duration.ofMillis(250), Duration.ofMillis(200), null, null));
        Await.until(WAIT, "replica B listens", replicaB::listening);
        SessionId session = db.newSession(log);
        List<RecordingSubscriber> onB = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            replicaB.subscribe(session, i * 2).subscribe(subscriber);
            onB.add(subscriber);
        }
        RecordingSubscriber onA = RecordingSubscriber.unbounded();
        log.subscribe(session, 0).subscribe(onA);
        onB.getFirst().awaitStored(2, WAIT);

        int total = 1000;
        int kills = 0;
        // Writers append only up to "allowed", so that each kill lands in the middle of the
        // appends and the next stretch is appended while the listener is down.
        java.util.concurrent.atomic.AtomicInteger issued = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger(150);
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(writers.submit(() -> {
                    int n;
                    while ((n = issued.incrementAndGet()) <= total) {
                        while (n > allowed.get()) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                        }
                        log.append(session, message(thread, n, 'k'));
                    }
                    return null;
                }));
            }
            int previousPid = 0;
            for (int next : new int[] {450, 750, total}) {
                long reached = 2L + allowed.get();
                Await.until(WAIT, "appends reach " + reached, () -> lastSeq(session) >= reached);
                int old = previousPid;
                Await.until(WAIT, "replica B listens anew",
                        () -> replicaB.listening() && replicaB.listenerBackendPid() != old);
                int pid = replicaB.listenerBackendPid();
                assertThat(db.queryLong("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
                        + " AND application_name = '" + NotificationListener.APPLICATION_NAME + "'")).isEqualTo(1);
                db.execute("SELECT pg_terminate_backend(" + pid + ")");
                kills++;
                previousPid = pid;
                allowed.set(next);
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        assertThat(kills).isEqualTo(3);
        long last = 2 + total;
        for (int i = 0; i < onB.size(); i++) {
            assertThat(onB.get(i).awaitStored((int) last - i * 2, WAIT)).containsExactlyElementsOf(range(i * 2 + 1, last));
        }
        assertThat(onA.awaitStored((int) last, WAIT)).containsExactlyElementsOf(range(1, last));
    }

    @Test
    void aLostNotificationIsMadeUpForByTheSafetyPoll() throws Exception {
        PostgresEventLog polling = db.newLog(new EventLogProperties(0, 0, 0, null, 0, 0, 0, 0,
                Duration.ofMillis(300), Duration.ofMillis(100), null, null, null));
        SessionId session = db.newSession(log);
        RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
        polling.subscribe(session, 0).subscribe(subscriber);
        subscriber.awaitStored(2, WAIT);
        // Rows committed without any NOTIFY, as if the notification had been lost.
        db.execute("""
                WITH s AS (UPDATE sessions SET last_seq = last_seq + 2 WHERE id = '%s' RETURNING last_seq)
                INSERT INTO session_events (session_id, seq, type, data, created_at)
                SELECT '%s', s.last_seq - k, 'user.message', '{"text":"quiet"}', now() FROM s, (VALUES (1), (0)) AS v(k)
                """.formatted(session, session));
        assertThat(subscriber.awaitStored(4, WAIT)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void resumingFromEveryCursorGivesExactlyTheEventsAfterItThenTheLiveOnes() throws Exception {
        PostgresEventLog replicaB = db.newLog();
        SessionId session = db.newSession(log);
        for (int i = 0; i < 28; i++) {
            log.append(session, message(0, i, 'r'));
        }
        long stored = 30;
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (long cursor = 0; cursor <= stored; cursor++) {
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            (cursor % 2 == 0 ? log : replicaB).subscribe(session, cursor).subscribe(subscriber);
            subscribers.add(subscriber);
            assertThat(log.readAfter(session, cursor, 1000)).extracting(LoggedEvent::seq)
                    .containsExactlyElementsOf(range(cursor + 1, stored));
            assertThat(log.readAfter(session, cursor, 3)).extracting(LoggedEvent::seq)
                    .containsExactlyElementsOf(range(cursor + 1, Math.min(cursor + 3, stored)));
        }
        for (int i = 0; i < 5; i++) {
            log.append(session, message(1, i, 'l'));
        }
        for (int cursor = 0; cursor <= stored; cursor++) {
            List<Long> seqs = subscribers.get(cursor).awaitStored((int) (stored + 5 - cursor), WAIT);
            assertThat(seqs).as("after cursor %d", cursor).containsExactlyElementsOf(range(cursor + 1, stored + 5));
        }
        // and nothing more arrives than was appended: no duplicates trickle in later
        log.append(session, message(2, 0, 'z'));
        for (int cursor = 0; cursor <= stored; cursor++) {
            assertThat(subscribers.get(cursor).awaitStored((int) (stored + 6 - cursor), WAIT))
                    .containsExactlyElementsOf(range(cursor + 1, stored + 6));
        }
    }

    @Test
    void aCursorBeyondTheEndOfTheLogWaitsForEventsBeyondIt() throws Exception {
        SessionId session = db.newSession(log);
        RecordingSubscriber ahead = RecordingSubscriber.unbounded();
        log.subscribe(session, 4).subscribe(ahead);
        RecordingSubscriber atEnd = RecordingSubscriber.unbounded();
        log.subscribe(session, 2).subscribe(atEnd);
        for (int i = 0; i < 4; i++) {
            log.append(session, message(0, i, 'e'));
        }
        assertThat(atEnd.awaitStored(4, WAIT)).containsExactly(3L, 4L, 5L, 6L);
        assertThat(ahead.awaitStored(2, WAIT)).containsExactly(5L, 6L);
    }

    @Test
    void manySessionsAppendInParallelEachWithItsOwnGaplessSeqs() throws Exception {
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sessions.add(db.newSession(log));
        }
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (SessionId session : sessions) {
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            log.subscribe(session, 0).subscribe(subscriber);
            subscribers.add(subscriber);
        }
        Map<SessionId, Integer> appended = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        SessionId session = sessions.get(ThreadLocalRandom.current().nextInt(sessions.size()));
                        log.append(session, message(thread, i, 'm'));
                        appended.merge(session, 1, Integer::sum);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        for (int i = 0; i < sessions.size(); i++) {
            SessionId session = sessions.get(i);
            long last = 2 + appended.getOrDefault(session, 0);
            assertThat(log.readAfter(session, 0, 10_000)).extracting(LoggedEvent::seq)
                    .containsExactlyElementsOf(range(1, last));
            assertThat(subscribers.get(i).awaitStored((int) last, WAIT)).containsExactlyElementsOf(range(1, last));
        }
    }

    @Test
    void ephemeralEventsReachLiveLocalSubscribersAfterWhatWasAppendedAndAreNeverStored() throws Exception {
        SessionId session = db.newSession(log);
        RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
        log.subscribe(session, 0).subscribe(subscriber);
        subscriber.awaitStored(2, WAIT);
        log.append(session, new AgentMessage("m1", "model", List.of(new ContentBlock.Text("Hello")), "end_turn",
                TokenUsage.NONE));
        log.publish(session, new AgentMessageDelta("Wor"));
        log.publish(session, new AgentMessageDelta("ld"));
        List<StreamItem> items = subscriber.awaitItems(5, WAIT);
        assertThat(items).extracting(StreamItem::type)
                .containsExactly("session.started", "user.message", "agent.message", "agent.delta", "agent.delta");
        StreamItem delta = items.get(3);
        assertThat(delta.isStored()).isFalse();
        assertThat(delta.seq()).isZero();
        assertThat(delta.json()).doesNotContain("\"seq\"").contains("\"data\":{\"text\":\"Wor\"}");
        assertThat(((UnloggedEvent) delta.event()).event()).isEqualTo(new AgentMessageDelta("Wor"));
        assertThat(db.queryLong("SELECT count(*) FROM session_events WHERE session_id = '" + session + "'"))
                .isEqualTo(3);
        assertThat(db.queryLong("SELECT count(*) FROM session_events WHERE type = 'agent.delta'")).isZero();
        assertThat(log.readAfter(session, 0, 100)).extracting(LoggedEvent::type)
                .containsExactly("session.started", "user.message", "agent.message");
    }

    @Test
    void appendEachAppendsToSeveralSessionsAtOnceAndAMissingSessionFailsAlone() {
        SessionId first = db.newSession(log);
        SessionId second = db.newSession(log);
        SessionId missing = SessionId.next(Instant.now());
        Map<SessionId, List<SessionEvent>> events = new java.util.LinkedHashMap<>();
        events.put(second, List.of(new UserMessage("b1"), new UserMessage("b2")));
        events.put(missing, List.of(new UserMessage("lost")));
        events.put(first, List.of(new UserMessage("a1")));

        Map<SessionId, RuntimeException> failures = log.appendEach(events);

        assertThat(failures).containsOnlyKeys(missing);
        assertThat(failures.get(missing)).isInstanceOf(SessionNotFoundException.class);
        assertThat(log.readAfter(first, 2, 10)).extracting(LoggedEvent::seq).containsExactly(3L);
        assertThat(log.readAfter(second, 2, 10)).extracting(e -> ((UserMessage) e.event()).text())
                .containsExactly("b1", "b2");
        assertThat(log.append(first, new UserMessage("after")).seq()).isEqualTo(4);
    }

    @Test
    void aWorkerThatLostItsLeaseCannotAppend() {
        SessionId session = db.newSession(log);
        db.execute("UPDATE sessions SET lease_owner = 'worker-2', lease_token = 7 WHERE id = '" + session + "'");
        assertThat(log.append(session, List.of(new RunStarted()), 7)).extracting(LoggedEvent::seq).containsExactly(3L);
        assertThatThrownBy(() -> log.append(session, List.of(new CommandRun("c1", "rm -rf /tmp/x", null)), 6))
                .isInstanceOfSatisfying(StaleFencingTokenException.class, e -> {
                    assertThat(e.presented()).isEqualTo(6);
                    assertThat(e.current()).isEqualTo(7);
                    assertThat(e.sessionId()).isEqualTo(session);
                });
        assertThat(log.readAfter(session, 0, 100)).extracting(LoggedEvent::seq).containsExactly(1L, 2L, 3L);
        assertThat(log.append(session, new UserMessage("an API append needs no token")).seq()).isEqualTo(4);
    }

    @Test
    void fencedAndUnfencedAppendsGroupedTogetherAreJudgedOneByOne() throws Exception {
        SessionId session = db.newSession(log);
        db.execute("UPDATE sessions SET lease_token = 3 WHERE id = '" + session + "'");
        List<Future<?>> results = new ArrayList<>();
        int refusedCount = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 60; i++) {
                int n = i;
                results.add(pool.submit(() -> switch (n % 3) {
                    case 0 -> log.append(session, List.of(message(n, 0, 'f')), 3);
                    case 1 -> log.append(session, List.of(message(n, 0, 'g')), 2);
                    default -> log.append(session, List.of(message(n, 0, 'h')));
                }));
            }
            for (Future<?> result : results) {
                try {
                    result.get(1, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StaleFencingTokenException.class);
                    refusedCount++;
                }
            }
        }
        assertThat(refusedCount).isEqualTo(20);
        assertThat(log.readAfter(session, 0, 1000)).extracting(LoggedEvent::seq).containsExactlyElementsOf(range(1, 42))
                .hasSize(42);
        assertThat(log.readAfter(session, 0, 1000)).extracting(e -> ((Object) e.event()).toString())
                .noneMatch(text -> text.contains("-g"));
    }

    @Test
    void aSubscriberThatAsksForNothingNeitherSlowsAppendsNorMissesAnything() throws Exception {
        SessionId session = db.newSession(log);
        RecordingSubscriber slow = new RecordingSubscriber(1);
        log.subscribe(session, 0).subscribe(slow);
        RecordingSubscriber fast = RecordingSubscriber.unbounded();
        log.subscribe(session, 0).subscribe(fast);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        log.append(session, message(thread, i, 's'));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        }
        assertThat(fast.awaitStored(2002, WAIT)).containsExactlyElementsOf(range(1, 2002));
        assertThat(slow.storedSeqs()).containsExactly(1L);
        slow.request(Long.MAX_VALUE);
        assertThat(slow.awaitStored(2002, WAIT)).containsExactlyElementsOf(range(1, 2002));
    }

    @Test
    void demandIsHonouredOneEventAtATime() throws Exception {
        SessionId session = db.newSession(log);
        for (int i = 0; i < 10; i++) {
            log.append(session, message(0, i, 'd'));
        }
        RecordingSubscriber subscriber = new RecordingSubscriber(0);
        log.subscribe(session, 0).subscribe(subscriber);
        for (int n = 1; n <= 12; n++) {
            subscriber.request(1);
            assertThat(subscriber.awaitStored(n, WAIT)).hasSize(n);
        }
        assertThat(subscriber.storedSeqs()).containsExactlyElementsOf(range(1, 12));
    }

    @Test
    void aBatchedSubscriptionDeliversWhatIsReadyInListsOfAtMostTheBatchSize() throws Exception {
        SessionId session = db.newSession(log);
        for (int i = 0; i < 998; i++) {
            log.append(session, message(0, i, 'b'));
        }
        List<List<StreamItem>> batches = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
        log.subscribeInBatches(session, 0, 64).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            private long seen;

            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<StreamItem> batch) {
                batches.add(batch);
                seen += batch.size();
                if (seen >= 1005) {
                    all.countDown();
                }
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        Await.until(WAIT, "the stored events arrive", () -> batches.stream().mapToInt(List::size).sum() >= 1000);
        for (int i = 0; i < 5; i++) {
            log.append(session, message(1, i, 'l'));
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        List<Long> seqs = batches.stream().flatMap(List::stream).map(StreamItem::seq).toList();
        assertThat(seqs).containsExactlyElementsOf(range(1, 1005));
        assertThat(batches).allMatch(batch -> !batch.isEmpty() && batch.size() <= 64);
        assertThat(batches.size()).as("catching up goes in full batches").isLessThan(40);
    }

    @Test
    void cancellingASubscriptionFreesIt() throws Exception {
        SessionId session = db.newSession(log);
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
            log.subscribe(session, 0).subscribe(subscriber);
            subscribers.add(subscriber);
        }
        assertThat(log.activeSubscriptions()).isEqualTo(3);
        subscribers.getFirst().awaitStored(2, WAIT);
        subscribers.forEach(RecordingSubscriber::cancel);
        assertThat(log.activeSubscriptions()).isZero();
        log.append(session, message(0, 0, 'c'));
        assertThat(subscribers.getFirst().storedSeqs()).doesNotContain(3L);
    }

    @Test
    void closingTheLogCompletesItsSubscriptions() throws Exception {
        PostgresEventLog replica = db.newLog();
        SessionId session = db.newSession(log);
        RecordingSubscriber subscriber = RecordingSubscriber.unbounded();
        replica.subscribe(session, 0).subscribe(subscriber);
        subscriber.awaitStored(2, WAIT);
        replica.close();
        subscriber.awaitCompletion(WAIT);
        assertThat(replica.activeSubscriptions()).isZero();
    }

    @Test
    void appendingKeepsTheSessionStatusTheFoldOfItsLog() {
        SessionId session = db.newSession(log);
        assertThat(status(session)).isEqualTo("pending");
        log.append(session, new RunStarted());
        assertThat(status(session)).isEqualTo("running");
        log.append(session, List.of(new CommandRun("c", "ls", null), new CommandExited("c", 0, "", false, 1),
                new SessionIdle()));
        assertThat(status(session)).isEqualTo("idle");
        log.append(session, new UserMessage("again"));
        assertThat(status(session)).isEqualTo("pending");
    }

    @Test
    void eventsOfATypeThisVersionDoesNotKnowAreReadBackAsUnknownEvents() {
        SessionId session = db.newSession(log);
        log.append(session, new UnknownEvent("robot.danced", Map.of("style", "disco")));
        db.execute("""
                WITH s AS (UPDATE sessions SET last_seq = last_seq + 1 WHERE id = '%s' RETURNING last_seq)
                INSERT INTO session_events SELECT '%s', s.last_seq, 'future.thing', '{"n": 1}', now() FROM s
                """.formatted(session, session));
        List<LoggedEvent> events = log.readAfter(session, 2, 10);
        assertThat(events).extracting(LoggedEvent::event).containsExactly(
                new UnknownEvent("robot.danced", Map.of("style", "disco")),
                new UnknownEvent("future.thing", Map.of("n", 1)));
    }

    @Test
    void aSessionIsCreatedOnceWithItsFirstEventsAndAppendingToAMissingOneFails() {
        SessionId session = db.newSession(log);
        NewSession again = new NewSession(session, MigratedDatabase.TENANT, MigratedDatabase.AGENT, 1, Map.of());
        List<SessionEvent> first = List.of(new SessionStarted(MigratedDatabase.AGENT, 1, null, null, null));
        assertThatThrownBy(() -> log.create(again, first)).isInstanceOf(SessionAlreadyExistsException.class);
        assertThatThrownBy(() -> log.create(new NewSession(SessionId.next(Instant.now()), MigratedDatabase.TENANT,
                MigratedDatabase.AGENT, 1, Map.of()), List.of(new UserMessage("no start"))))
                .isInstanceOf(IllegalArgumentException.class);
        SessionId missing = SessionId.next(Instant.now());
        assertThatThrownBy(() -> log.append(missing, new UserMessage("anyone?")))
                .isInstanceOfSatisfying(SessionNotFoundException.class, e -> assertThat(e.sessionId()).isEqualTo(missing));
        assertThat(log.readAfter(missing, 0, 10)).isEmpty();
        assertThat(db.queryString("SELECT metadata::text FROM sessions WHERE id = '" + session + "'")).isEqualTo("{}");
    }

    @Test
    void anEventLargerThanTheLimitIsRefusedAndNothingOfItsBatchIsStored() {
        PostgresEventLog small = db.newLog(new EventLogProperties(0, 0, 0, DataSize.ofKilobytes(1), 0, 0, 0, 0,
                null, null, null, null, null));
        SessionId session = db.newSession(small);
        assertThatThrownBy(() -> small.append(session, List.of(new UserMessage("fine"),
                new UserMessage("x".repeat(2000))))).isInstanceOf(EventTooLargeException.class);
        assertThat(small.readAfter(session, 0, 10)).hasSize(2);
    }

    private String status(SessionId session) {
        return db.queryString("SELECT status FROM sessions WHERE id = '" + session + "'");
    }

    private long lastSeq(SessionId session) {
        return db.queryLong("SELECT last_seq FROM sessions WHERE id = '" + session + "'");
    }

    private static UserMessage message(int thread, int i, char tag) {
        return new UserMessage(thread + "-" + i + "-" + tag);
    }

    private static List<Long> range(long from, long toInclusive) {
        return from > toInclusive ? Collections.emptyList() : LongStream.rangeClosed(from, toInclusive).boxed().toList();
    }
}
