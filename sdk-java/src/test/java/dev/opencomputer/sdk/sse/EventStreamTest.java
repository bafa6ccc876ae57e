package dev.opencomputer.sdk.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.ServerException;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.internal.RetryPolicy;
import dev.opencomputer.sdk.internal.Transport;
import dev.opencomputer.sdk.sse.SseServer.Ending;
import dev.opencomputer.sdk.sse.SseServer.Fail;
import dev.opencomputer.sdk.sse.SseServer.Refuse;
import dev.opencomputer.sdk.sse.SseServer.Send;
import dev.opencomputer.testing.Await;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventStreamTest {

    sealed interface Element {
    }

    record Greeting(String kind, String text) implements Element {
    }

    record Other(GenericEvent event) implements Element {
    }

    /** Events 1..10: odd ones are greetings, even ones a type the decoder has never heard of. */
    private static final List<String> LOG = IntStream.rangeClosed(1, 10)
            .mapToObj(i -> i % 2 == 1 ? "{\"kind\":\"greeting\",\"text\":\"hello " + i + "\"}"
                    : "{\"kind\":\"mystery\",\"n\":" + i + "}")
            .toList();
    private static final EventStream.Options FAST = EventStream.Options.DEFAULT
            .withReconnectDelay(Duration.ofMillis(10), Duration.ofMillis(40));
    private static final String PROBLEM = """
            {"type":"https://opencomputer.dev/problems/validation-failed","title":"Validation failed","status":422,"errors":[{"field":"after","message":"is beyond the log"}]}""";

    private final List<AutoCloseable> open = new ArrayList<>();

    private SseServer server(String preamble) throws Exception {
        var server = new SseServer(LOG, preamble);
        open.add(server);
        return server;
    }

    private EventStream<Element> open(SseServer server, EventStream.Options options) {
        var transport = new Transport(server.uri(), "oc_key", HttpClient.newHttpClient(), true, Duration.ofSeconds(5),
                new RetryPolicy(0, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ZERO,
                        RandomGenerator.getDefault()), Clock.systemUTC(), Thread::sleep);
        open.add(transport);
        var decoder = JsonEventDecoder.<Element>builder(transport.json(), Other::new)
                .type("greeting", Greeting.class).build();
        var stream = EventStream.open(lastId -> transport.openStream("/stream",
                lastId.isEmpty() ? Map.of() : Map.of("Last-Event-ID", lastId)), decoder, options);
        open.add(stream);
        return stream;
    }

    private static List<Integer> numbers(List<Element> elements) {
        return elements.stream().map(e -> switch (e) {
            case Greeting g -> Integer.parseInt(g.text().substring("hello ".length()));
            case Other o -> o.event().data().get("n").asInt();
        }).toList();
    }

    /** Iterates on another thread until {@code count} elements arrived, with a deadline. */
    private static List<Element> take(EventStream<Element> stream, int count) throws Exception {
        return take(stream, stream.iterator(), count);
    }

    private static List<Element> take(EventStream<Element> stream, java.util.Iterator<Element> it, int count)
            throws Exception {
        var taken = new ArrayList<Element>();
        CompletableFuture.runAsync(() -> {
            while (taken.size() < count && it.hasNext()) {
                taken.add(it.next());
            }
        }).get(10, TimeUnit.SECONDS);
        return taken;
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void yieldsKnownEventsTypedAndUnknownOnesAsGenericEventsWithTheirRawJson() throws Exception {
        var stream = open(server(""), FAST);
        var elements = take(stream, 2);

        assertThat(elements.get(0)).isEqualTo(new Greeting("greeting", "hello 1"));
        var other = ((Other) elements.get(1)).event();
        assertThat(other.id()).isEqualTo("2");
        assertThat(other.type()).isEqualTo("mystery");
        assertThat(other.data().get("n").asInt()).isEqualTo(2);
        assertThat(stream.lastEventId()).isEqualTo("2");
    }

    @Test
    void resumesAfterDroppedConnectionsWithoutGapOrDuplicateWaitingTheServersRetryTime() throws Exception {
        // The first connection breaks off abruptly (no final chunk) once the client has read event 3,
        // the second ends cleanly after two more; each time the client must resume where it was.
        var server = server("retry: 150\n\n")
                .then(new Send(3, Ending.BREAK_WHEN_RELEASED))
                .then(new Send(2, Ending.CLOSE));
        var stream = open(server, FAST);
        var it = stream.iterator();
        var received = new ArrayList<Element>();
        for (int i = 0; i < 3; i++) {
            received.add(it.next());
        }
        server.release();
        received.addAll(take(stream, it, 7));

        assertThat(numbers(received)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        var connections = server.connections();
        assertThat(connections).extracting(SseServer.Connection::lastEventId).containsExactly(null, "3", "5");
        long pause = connections.get(1).startedNanos() - connections.get(0).endedNanos();
        assertThat(Duration.ofNanos(pause)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void aConnectionThatFallsSilentIsTreatedAsDeadAndResumed() throws Exception {
        var server = server("").then(new Send(4, Ending.SILENCE));
        var stream = open(server, FAST.withIdleTimeout(Duration.ofMillis(300)));

        assertThat(numbers(take(stream, 10))).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(server.connections()).extracting(SseServer.Connection::lastEventId).containsExactly(null, "4");
    }

    @Test
    void heartbeatsKeepAQuietConnectionAlive() throws Exception {
        var server = server("");
        var stream = open(server, FAST.withIdleTimeout(Duration.ofMillis(600)));
        var seen = new CopyOnWriteArrayList<Element>();
        var consumer = CompletableFuture.runAsync(() -> stream.forEach(seen::add));
        Await.until(Duration.ofSeconds(10), "every event arrived", () -> seen.size() == 10);

        // The consumer now waits on a stream that is quiet apart from heartbeats every 50 ms.
        int before = server.heartbeats();
        Await.until(Duration.ofSeconds(10), "30 more heartbeats were sent", () -> server.heartbeats() >= before + 30);
        assertThat(server.connections()).hasSize(1);
        stream.close();
        consumer.get(5, TimeUnit.SECONDS);
    }

    @Test
    void closingFromAnotherThreadEndsABlockedIterationCleanly() throws Exception {
        var server = server("");
        var stream = open(server, FAST);
        var seen = new CopyOnWriteArrayList<Element>();
        var consumer = CompletableFuture.runAsync(() -> stream.forEach(seen::add));

        Await.until(Duration.ofSeconds(10), "every event arrived", () -> seen.size() == 10);
        assertThat(consumer).isNotDone(); // blocked in hasNext(), waiting for more
        stream.close();

        consumer.get(5, TimeUnit.SECONDS); // ends without an exception
        assertThat(numbers(seen)).hasSize(10);
        stream.close(); // idempotent
    }

    @Test
    void aProblemSentAsAnErrorEventEndsTheStreamWithItsException() throws Exception {
        var server = server("").then(new Fail(2, PROBLEM));
        var stream = open(server, FAST);
        var it = stream.iterator();
        it.next();
        it.next();
        assertThatThrownBy(it::hasNext).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.errors()).extracting(p -> p.field()).containsExactly("after"));
        assertThat(it.hasNext()).isFalse();
        assertThat(server.connections()).hasSize(1);
    }

    @Test
    void aStreamTheServerRefusesFailsWhenOpened() throws Exception {
        var server = server("").then(new Refuse(404, """
                {"type":"https://opencomputer.dev/problems/not-found","status":404}""", null));
        assertThatThrownBy(() -> open(server, FAST)).isInstanceOf(NotFoundException.class);
        assertThat(server.connections()).hasSize(1);
    }

    @Test
    void reconnectsThroughServerErrorsAndGivesUpAfterTheAllowedAttempts() throws Exception {
        String unavailable = "{\"status\":503}";
        var server = server("")
                .then(new Send(2, Ending.CLOSE))
                .then(new Refuse(503, unavailable, "0"))
                .then(new Refuse(503, unavailable, null))
                .then(new Send(2, Ending.CLOSE))
                .then(new Refuse(503, unavailable, null))
                .then(new Refuse(503, unavailable, null))
                .then(new Refuse(503, unavailable, null));
        var stream = open(server, FAST.withMaxReconnectAttempts(2));
        var it = stream.iterator();
        var received = new ArrayList<Element>();
        for (int i = 0; i < 4; i++) {
            received.add(it.next());
        }
        assertThat(numbers(received)).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(it::hasNext).isInstanceOf(ServerException.class);
        assertThat(server.connections()).hasSize(7);
    }

    @Test
    void aServerThatKeepsClosingTheStreamWithoutSendingAnythingIsAFailure() throws Exception {
        var server = server("")
                .then(new Send(2, Ending.CLOSE))
                .then(new Send(0, Ending.CLOSE))
                .then(new Send(0, Ending.CLOSE))
                .then(new Send(0, Ending.CLOSE));
        var stream = open(server, FAST.withMaxReconnectAttempts(2));
        var it = stream.iterator();
        it.next();
        it.next();
        assertThatThrownBy(it::hasNext).isInstanceOf(dev.opencomputer.sdk.ConnectionException.class)
                .hasMessageContaining("3 times in a row");
        assertThat(it.hasNext()).isFalse();
        assertThat(server.connections()).hasSize(4);
    }

    @Test
    void noContentOnReconnectEndsTheStream() throws Exception {
        var server = server("").then(new Send(2, Ending.CLOSE)).then(new Refuse(204, "", null));
        var stream = open(server, FAST);
        var it = stream.iterator();
        it.next();
        it.next();
        assertThat(it.hasNext()).isFalse();
    }

    @Test
    void startsAfterTheGivenEventIdAndIsIteratedOnlyOnce() throws Exception {
        var stream = open(server(""), FAST.withLastEventId("8"));
        assertThat(numbers(take(stream, 2))).containsExactly(9, 10);
        assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class);
    }

}
