package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.server.problems.Problems;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * Turns a running command into Server-Sent Events: {@code stdout} and {@code stderr} events with
 * {@code {"text": …}} as the output arrives, one {@code exit} event with the summary, or a final
 * {@code error} event with a problem. Output is only pulled from the engine as fast as the client
 * reads it (the driver's listener waits for demand), so a flood never piles up in memory. A client
 * that goes away kills the command.
 */
final class ExecEvents {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final int PREFETCH = 8;

    private ExecEvents() {
    }

    /**
     * @param start starts the command with the given listener (blocking; run on {@code blocking})
     */
    static Flux<ServerSentEvent<Object>> stream(Function<OutputListener, Execution> start, Scheduler blocking,
            String instance) {
        Flux<ServerSentEvent<Object>> events = Flux.<ServerSentEvent<Object>>create(sink -> {
            Semaphore demand = new Semaphore(0);
            AtomicReference<Execution> running = new AtomicReference<>();
            sink.onRequest(n -> demand.release((int) Math.min(n, 1 << 20)));
            sink.onCancel(() -> {
                demand.release(1 << 20);
                Execution execution = running.get();
                if (execution != null) {
                    Thread.ofVirtual().start(execution::kill);
                }
            });
            Utf8 stdout = new Utf8();
            Utf8 stderr = new Utf8();
            OutputListener listener = (kind, chunk) -> {
                String text = (kind == OutputKind.STDERR ? stderr : stdout).decode(chunk, false);
                if (!text.isEmpty()) {
                    emit(sink, demand, kind == OutputKind.STDERR ? "stderr" : "stdout", text);
                }
            };
            Execution execution;
            try {
                execution = start.apply(listener);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            running.set(execution);
            if (sink.isCancelled()) {
                execution.kill();
            }
            execution.result().whenComplete((result, failure) -> {
                String outRest = stdout.decode(new byte[0], true);
                String errRest = stderr.decode(new byte[0], true);
                if (!outRest.isEmpty()) {
                    sink.next(event("stdout", Map.of("text", outRest)));
                }
                if (!errRest.isEmpty()) {
                    sink.next(event("stderr", Map.of("text", errRest)));
                }
                if (failure != null) {
                    Throwable cause = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                            ? c.getCause() : failure;
                    sink.next(event("error", Problems.from(cause).body(instance)));
                } else {
                    sink.next(event("exit", ExecResponse.summary(result)));
                }
                sink.complete();
            });
        }, FluxSink.OverflowStrategy.BUFFER).subscribeOn(blocking);

        // A small prefetch: at most a few chunks wait between the engine and a slow client.
        return events.publish(shared -> Flux.merge(shared,
                Flux.interval(HEARTBEAT).map(i -> ServerSentEvent.builder().comment("heartbeat").build())
                        .takeUntilOther(shared.ignoreElements().then())), PREFETCH);
    }

    /** Waits (on the driver's stream thread) until the client has asked for more, then emits. */
    private static void emit(FluxSink<ServerSentEvent<Object>> sink, Semaphore demand, String name, String text) {
        try {
            while (!demand.tryAcquire(1, TimeUnit.SECONDS)) {
                if (sink.isCancelled()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!sink.isCancelled()) {
            sink.next(event(name, Map.of("text", text)));
        }
    }

    private static ServerSentEvent<Object> event(String name, Object data) {
        return ServerSentEvent.builder(data).event(name).build();
    }

    /** Decodes a byte stream as UTF-8 across chunk boundaries; invalid bytes become U+FFFD. */
    private static final class Utf8 {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        synchronized String decode(byte[] chunk, boolean end) {
            ByteBuffer in = ByteBuffer.allocate(pending.remaining() + chunk.length);
            in.put(pending).put(chunk).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, end);
            if (end) {
                decoder.flush(out);
            }
            pending = in.slice();
            return out.flip().toString();
        }
    }
}
