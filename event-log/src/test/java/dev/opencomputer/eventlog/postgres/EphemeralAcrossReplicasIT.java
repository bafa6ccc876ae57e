package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ephemeral events published on one replica reach the subscribers of another, in order and before
 * the stored event appended after them — coalesced into a few NOTIFY transactions, never one per
 * delta; a replica does not hear its own deltas twice.
 */
class EphemeralAcrossReplicasIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private MigratedDatabase db;
    private PostgresEventLog brainSide;
    private PostgresEventLog other;

    @BeforeEach
    void twoReplicas() {
        db = MigratedDatabase.create();
        brainSide = db.newLog();
        other = db.newLog();
        Await.until(WAIT, "both replicas listen", () -> brainSide.listening() && other.listening());
    }

    @AfterEach
    void drop() throws Exception {
        db.close();
    }

    @Test
    void deltasPublishedOnOneReplicaReachAnotherInOrderInAFewNotifies() throws Exception {
        SessionId session = db.newSession(brainSide);
        RecordingSubscriber remote = RecordingSubscriber.unbounded();
        other.subscribe(session, 0).subscribe(remote);
        RecordingSubscriber local = RecordingSubscriber.unbounded();
        brainSide.subscribe(session, 0).subscribe(local);
        remote.awaitStored(2, WAIT);
        local.awaitStored(2, WAIT);

        int deltas = 200;
        long sendsBefore = brainSide.ephemeralRelaySends();
        long start = System.nanoTime();
        for (int i = 0; i < deltas; i++) {
            brainSide.publish(session, new AgentMessageDelta("t" + i + " "));
        }
        long message = brainSide.append(session, new UserMessage("after the deltas")).seq();

        List<Long> stored = remote.awaitStored(3, WAIT);
        assertThat(stored).containsExactly(1L, 2L, message);
        List<StreamItem> items = remote.items();
        List<String> texts = items.stream().filter(item -> !item.isStored())
                .map(item -> ((AgentMessageDelta) ((dev.opencomputer.session.UnloggedEvent) item.event()).event()).text())
                .toList();
        assertThat(texts).as("every delta, in order")
                .containsExactlyElementsOf(IntStream.range(0, deltas).mapToObj(i -> "t" + i + " ").toList());
        int messageAt = items.indexOf(items.stream().filter(item -> item.seq() == message).findFirst().orElseThrow());
        assertThat(items.subList(messageAt + 1, items.size())).as("no delta after the message it preceded").isEmpty();
        long sends = brainSide.ephemeralRelaySends() - sendsBefore;
        System.out.printf("%d deltas relayed in %d NOTIFY transactions, on the other replica within %d ms%n",
                deltas, sends, (System.nanoTime() - start) / 1_000_000);
        assertThat(sends).as("NOTIFY transactions for %d deltas", deltas).isBetween(1L, 5L);

        Await.until(WAIT, "the local subscriber has the message", () -> local.storedSeqs().contains(message));
        assertThat(local.items().stream().filter(item -> !item.isStored())).as("local deltas once each")
                .hasSize(deltas);
    }
}
