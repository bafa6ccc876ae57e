package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.EventPage;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.eventlog.TailedSession;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A session of 1 MB events is read a bounded number of bytes at a time: pages of the log, a
 * subscription's catch-up batches, a feed's recent events and a log tail's batch each hold at most
 * {@code max-read-bytes} (4 MiB) past their first event — never the whole 200 MB session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one 200 MB session for every test: they only read it
class ByteBoundedReadsIT {

    private static final int LARGE = 200;
    private static final int EVENT_CHARS = 1_000_000;
    private static final long MAX_READ = 4L * 1024 * 1024;

    private MigratedDatabase db;
    private PostgresEventLog log;
    private SessionId session;
    private long lastSeq;

    @BeforeAll
    void aSessionOf200EventsOfAMegabyte() {
        db = MigratedDatabase.create();
        log = db.newLog();
        session = db.newSession(log);
        char[] text = new char[EVENT_CHARS];
        for (int i = 0; i < LARGE; i++) {
            for (int k = 0; k < text.length; k++) {
                text[k] = (char) ('a' + ThreadLocalRandom.current().nextInt(26)); // not compressible to nothing
            }
            lastSeq = log.append(session, new UserMessage(new String(text))).seq();
        }
    }

    @AfterAll
    void drop() throws Exception {
        db.close();
    }

    @Test
    void pagesOfTheLogStopAtTheByteBoundAndSayThatMoreFollows() {
        long after = 0;
        int pages = 0;
        long read = 0;
        while (true) {
            EventPage page = log.readPage(session, after, 1000, MAX_READ);
            pages++;
            long large = page.events().stream().filter(e -> text(e).length() >= EVENT_CHARS).count();
            assertThat(large).as("1 MB events in one 4 MiB page").isLessThanOrEqualTo(4);
            for (LoggedEvent event : page.events()) {
                assertThat(event.seq()).isEqualTo(after + 1);
                after = event.seq();
                read++;
            }
            if (!page.more()) {
                break;
            }
        }
        assertThat(read).isEqualTo(lastSeq);
        assertThat(pages).isGreaterThanOrEqualTo(LARGE / 4);
        assertThat(log.readPage(session, 0, 1, 1).events()).as("the first event, however large").hasSize(1);
        EventPage small = log.readPage(session, 0, 1, MAX_READ);
        assertThat(small.events()).hasSize(1);
        assertThat(small.more()).isTrue();
        System.out.printf("GET-style pages of a %d-event session of 1 MB events: %d pages%n", lastSeq, pages);
    }

    @Test
    void aSubscriptionCatchesUpInBatchesOfBoundedBytesInOrder() {
        AtomicLong seen = new AtomicLong();
        AtomicLong lastSeen = new AtomicLong();
        List<Long> batchBytes = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        log.subscribeInBatches(session, 0, 512).subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(List<StreamItem> batch) {
                long bytes = 0;
                for (StreamItem item : batch) {
                    if (item.seq() != lastSeen.get() + 1) {
                        errors.add(new AssertionError("seq " + item.seq() + " after " + lastSeen.get()));
                    }
                    lastSeen.set(item.seq());
                    bytes += item.jsonLength();
                }
                batchBytes.add(bytes);
                seen.addAndGet(batch.size());
                subscription.request(1); // the items are dropped here: only the batch sizes are kept
            }

            @Override
            public void onError(Throwable throwable) {
                errors.add(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        Await.until(Duration.ofSeconds(60), "the subscription catches up", () -> seen.get() >= lastSeq
                || !errors.isEmpty());
        assertThat(errors).isEmpty();
        assertThat(lastSeen.get()).isEqualTo(lastSeq);
        long largest = batchBytes.stream().mapToLong(Long::longValue).max().orElseThrow();
        System.out.printf("subscription catch-up: %d batches, largest %d bytes%n", batchBytes.size(), largest);
        assertThat(largest).as("bytes of one batch").isLessThanOrEqualTo(MAX_READ + 2 * EVENT_CHARS);
    }

    @Test
    void aLogTailBatchIsBoundedByBytes() {
        List<TailedSession> pending = log.tail().pending("bytes-test", 10, 1000);
        assertThat(pending).singleElement().satisfies(tailed -> {
            assertThat(tailed.sessionId()).isEqualTo(session);
            assertThat(tailed.events().size()).as("events of 1 MB within 4 MiB / 10 sessions, plus the first")
                    .isLessThanOrEqualTo(3);
        });
        long after = pending.getFirst().events().getLast().seq();
        log.tail().advance("bytes-test", Map.of(session, after));
        assertThat(log.tail().pending("bytes-test", 10, 1000).getFirst().events().getFirst().seq())
                .isEqualTo(after + 1);
    }

    private static String text(LoggedEvent event) {
        return event.event() instanceof UserMessage m ? m.text() : "";
    }
}
