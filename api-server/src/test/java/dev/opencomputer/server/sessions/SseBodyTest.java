package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.SessionId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

/** The hand-written SSE body: order, demand, heartbeats, endings and what it releases. */
class SseBodyTest {

    private static final SessionId SESSION = SessionId.parse("ses_01a23c68cff1216a9e0fa675");

    /** The log's side: records what was asked for and cancelled. */
    private static final class Log implements Flow.Subscription {
        Flow.Subscriber<? super List<StreamItem>> subscriber;
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** The response's side: what was written, with demand it controls. */
    private static final class Client implements Subscriber<DataBuffer> {
        final List<String> written = new ArrayList<>();
        Subscription subscription;
        boolean completed;
        Throwable failed;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(DataBuffer buffer) {
            written.add(buffer.toString(StandardCharsets.UTF_8));
        }

        @Override
        public void onError(Throwable t) {
            failed = t;
        }

        @Override
        public void onComplete() {
            completed = true;
        }
    }

    private final Log log = new Log();
    private final boolean[] released = new boolean[1];
    private final SseBody body = new SseBody(new SseBody.Start() {
        @Override
        public AutoCloseable watch(SseBody b) {
            return () -> released[0] = true;
        }

        @Override
        public void subscribe(SseBody b) {
            log.subscriber = b;
            b.onSubscribe(log);
        }
    }, DefaultDataBufferFactory.sharedInstance, "retry:2000\n\n".getBytes(StandardCharsets.UTF_8),
            ":\n\n".getBytes(StandardCharsets.US_ASCII), SessionStream::encode,
            error -> ("event:error\ndata:" + error.getMessage() + "\n\n").getBytes(StandardCharsets.UTF_8));
    private final Client client = new Client();

    private static StreamItem event(long seq) {
        String json = "{\"seq\":" + seq + ",\"type\":\"user.message\"}";
        return StreamItem.lazy(SESSION, seq, "user.message", json.getBytes(StandardCharsets.UTF_8), () -> null);
    }

    @Test
    void writesRetryFirstThenBatchesInOrderWithinDemandAskingTheLogForOneAtATime() {
        body.subscribe(client);
        assertThat(client.written).isEmpty();
        assertThat(log.requested).isZero(); // nothing asked of the log before the retry: line is out

        client.subscription.request(2);
        assertThat(client.written).containsExactly("retry:2000\n\n");
        assertThat(log.requested).isEqualTo(1);

        log.subscriber.onNext(List.of(event(1), event(2)));
        assertThat(client.written).hasSize(2);
        assertThat(client.written.get(1)).isEqualTo(
                "id:1\nevent:user.message\ndata:{\"seq\":1,\"type\":\"user.message\"}\n\n"
                        + "id:2\nevent:user.message\ndata:{\"seq\":2,\"type\":\"user.message\"}\n\n");
        assertThat(log.requested).isEqualTo(2); // the next one asked for while this one is written

        log.subscriber.onNext(List.of(event(3))); // no demand: held, and the log is not asked again
        assertThat(client.written).hasSize(2);
        assertThat(log.requested).isEqualTo(2);
        client.subscription.request(1);
        assertThat(client.written).hasSize(3);
        assertThat(client.written.get(2)).startsWith("id:3\nevent:user.message\ndata:");
        assertThat(log.requested).isEqualTo(3);
    }

    @Test
    void heartbeatsGoOutOnlyAfterTheRetryLineAndWaitForDemand() {
        body.subscribe(client);
        body.beat();
        assertThat(client.written).isEmpty();
        client.subscription.request(1);
        assertThat(client.written).containsExactly("retry:2000\n\n");
        client.subscription.request(1);
        assertThat(client.written).containsExactly("retry:2000\n\n", ":\n\n");
        body.beat();
        body.beat();
        client.subscription.request(5);
        assertThat(client.written).containsExactly("retry:2000\n\n", ":\n\n", ":\n\n"); // at most one pending
    }

    @Test
    void anEndingWritesOneErrorMessageThenCompletesAndReleasesEverything() {
        body.subscribe(client);
        client.subscription.request(10);
        body.end(new IllegalStateException("revoked"));
        body.end(new IllegalStateException("second"));
        assertThat(client.written).containsExactly("retry:2000\n\n", "event:error\ndata:revoked\n\n");
        assertThat(client.completed).isTrue();
        assertThat(client.failed).isNull();
        assertThat(released[0]).isTrue();
        assertThat(log.cancelled).isTrue();
        body.beat();
        assertThat(client.written).hasSize(2);
    }

    @Test
    void aFailingLogEndsWithAnErrorMessage() {
        body.subscribe(client);
        client.subscription.request(10);
        log.subscriber.onError(new IllegalStateException("database down"));
        assertThat(client.written).containsExactly("retry:2000\n\n", "event:error\ndata:database down\n\n");
        assertThat(client.completed).isTrue();
        assertThat(released[0]).isTrue();
    }

    @Test
    void aClosingLogCompletesTheStreamAfterWhatItDelivered() {
        body.subscribe(client);
        client.subscription.request(1);
        log.subscriber.onNext(List.of(event(1)));
        log.subscriber.onComplete();
        assertThat(client.completed).isFalse(); // the batch has no demand yet
        client.subscription.request(1);
        assertThat(client.written).hasSize(2);
        assertThat(client.completed).isTrue();
        assertThat(released[0]).isTrue();
        assertThat(log.cancelled).isFalse();
    }

    @Test
    void aCancelledResponseReleasesEverything() {
        body.subscribe(client);
        client.subscription.request(1);
        client.subscription.cancel();
        assertThat(released[0]).isTrue();
        assertThat(log.cancelled).isTrue();
        body.beat();
        assertThat(client.written).containsExactly("retry:2000\n\n");
        assertThat(client.completed).isFalse();
    }

    @Test
    void aTypeCannotBreakTheMessagesLinesAndNonAsciiIsUtf8() {
        StreamItem odd = StreamItem.lazy(SESSION, 12345, "a\nb\r\u00e9", "{}".getBytes(StandardCharsets.UTF_8),
                () -> null);
        assertThat(new String(SessionStream.encode(List.of(odd, event(12346))), StandardCharsets.UTF_8))
                .isEqualTo("id:12345\nevent:a b \u00e9\ndata:{}\n\n"
                        + "id:12346\nevent:user.message\ndata:{\"seq\":12346,\"type\":\"user.message\"}\n\n");
    }
}
