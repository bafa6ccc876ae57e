package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.auth.Callers;
import dev.opencomputer.server.http.BlockingCalls;
import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.server.problems.Problem;
import dev.opencomputer.server.problems.Problems;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.springdoc.core.annotations.RouterOperation;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.NotAcceptableStatusException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/sessions/{id}/stream}: the log as Server-Sent Events. Every event after the
 * cursor ({@code Last-Event-ID}, which wins, or {@code ?after=}, default 0), then live ones,
 * each exactly once and in order; {@code id:} is the seq, {@code event:} the type, {@code data:}
 * the event JSON. Ephemeral events have no {@code id:}. A {@code :} comment goes out every
 * heartbeat; the first message sets {@code retry:}. A failure after the stream started ends it
 * with {@code event: error} carrying the problem JSON.
 *
 * <p>A functional endpoint rather than a controller method, and written as text rather than as
 * {@code ServerSentEvent}s, because a stream lives as long as its client: it holds only what
 * it needs (no handler-method argument machinery per open stream), it writes whatever is ready
 * at once (a page while catching up, a commit's events) with one flush, and each event is
 * encoded once for all its subscribers.
 */
@Configuration(proxyBeanMethods = false)
class SessionStream {

    /** Most events one write carries. */
    static final int BATCH = 512;
    private static final Function<StreamItem, byte[]> MESSAGE = SessionStream::message;
    private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata:".getBytes(StandardCharsets.US_ASCII);

    private final Callers callers;
    private final Sessions sessions;
    private final EventLog eventLog;
    private final SessionsProperties properties;
    private final Heartbeats heartbeats;
    private final JsonMapper json;
    private final Scheduler blocking;
    private final StreamGuard guard;

    SessionStream(Callers callers, Sessions sessions, EventLog eventLog, SessionsProperties properties,
            Heartbeats heartbeats, JsonMapper json, BlockingCalls blockingCalls, StreamGuard guard) {
        this.guard = guard;
        this.callers = callers;
        this.sessions = sessions;
        this.eventLog = eventLog;
        this.properties = properties;
        this.heartbeats = heartbeats;
        this.json = json;
        this.blocking = blockingCalls.scheduler();
    }

    @Bean
    @RouterOperation(path = "/v1/sessions/{id}/stream", method = RequestMethod.GET,
            produces = MediaType.TEXT_EVENT_STREAM_VALUE, operation = @Operation(operationId = "streamSession",
                    summary = "The session's events as Server-Sent Events, from a cursor, then live",
                    tags = "sessions",
                    parameters = {
                        @Parameter(name = "id", in = ParameterIn.PATH, required = true),
                        @Parameter(name = "after", in = ParameterIn.QUERY,
                                description = "the seq to stream after (default 0); Last-Event-ID wins"),
                        @Parameter(name = "Last-Event-ID", in = ParameterIn.HEADER,
                                description = "the seq of the last event received, sent by EventSource on reconnect"),
                        @Parameter(name = "token", in = ParameterIn.QUERY,
                                description = "a client token, for EventSource which cannot set headers")},
                    responses = {
                        @ApiResponse(responseCode = "200", description = "id: seq, event: type, data: event JSON; "
                                + "\":\" heartbeats; retry: in the first message"),
                        @ApiResponse(responseCode = "400", description = "malformed, negative or future cursor"),
                        @ApiResponse(responseCode = "404", description = "no such session for this tenant")}))
    RouterFunction<ServerResponse> sessionStreamRoute() {
        return RouterFunctions.route().GET("/v1/sessions/{id}/stream", this::stream).build();
    }

    Mono<ServerResponse> stream(ServerRequest request) {
        return callers.resolve(request.exchange()).flatMap(caller -> {
            List<MediaType> accepted = request.headers().accept();
            if (!accepted.isEmpty()
                    && accepted.stream().noneMatch(type -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM))) {
                throw new NotAcceptableStatusException(List.of(MediaType.TEXT_EVENT_STREAM));
            }
            SessionId session = SessionsController.sessionId(request.pathVariable("id"));
            TenantId tenant = caller.requireSession(session);
            String lastEventId = request.headers().firstHeader("Last-Event-ID");
            String parameter = lastEventId != null ? "Last-Event-ID" : "after";
            SeqCursor cursor = SeqCursor.parse(parameter,
                    lastEventId != null ? lastEventId : request.queryParam("after").orElse(null));
            return Mono.fromCallable(() -> {
                var found = sessions.find(tenant, session);
                guard.admit(caller, tenant);
                return found;
            }).subscribeOn(blocking).flatMap(found -> {
                if (cursor.after() > found.lastSeq()) {
                    return Mono.error(new ParameterInvalidException(parameter,
                            "the cursor is beyond the session's last event (" + found.lastSeq() + ")"));
                }
                return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                        .header("Cache-Control", "no-cache")
                        .build((exchange, context) -> exchange.getResponse().writeWith(
                                messages(caller, tenant, session, cursor.after(), request.path(),
                                        exchange.getResponse().bufferFactory())));
            });
        });
    }

    private SseBody messages(Caller caller, TenantId tenant, SessionId session, long after, String path,
            DataBufferFactory buffers) {
        byte[] hello = ("retry:" + properties.retry().toMillis() + "\n:session " + session.value() + " after " + after
                + "\n\n").getBytes(StandardCharsets.UTF_8);
        SseBody.Start start = new SseBody.Start() {
            @Override
            public AutoCloseable watch(SseBody body) {
                // the stream ends, with event: error, when its token expires, its session is destroyed or its key revoked
                StreamGuard.Watch watch = guard.watch(caller, tenant, session, body);
                heartbeats.add(body);
                return () -> {
                    heartbeats.remove(body);
                    watch.close();
                };
            }

            @Override
            public void subscribe(SseBody body) {
                eventLog.subscribeInBatches(session, after, BATCH).subscribe(body);
            }
        };
        return new SseBody(start, buffers, hello, HEARTBEAT, SessionStream::encode,
                error -> errorMessage(error, path));
    }

    /**
     * One write for a batch. A single event is most likely live and shared by every subscriber
     * of its session, so its message is encoded once and kept with the event; the events of a
     * larger batch (a page while catching up) are for this stream alone and go straight into one
     * array.
     */
    static byte[] encode(List<StreamItem> batch) {
        if (batch.size() == 1) {
            return batch.getFirst().memo(MESSAGE);
        }
        int size = 0;
        for (StreamItem item : batch) {
            size += headLength(item) + item.jsonLength() + 2;
        }
        byte[] messages = new byte[size];
        int at = 0;
        for (StreamItem item : batch) {
            at = append(messages, at, item);
        }
        return messages;
    }

    /** One SSE message for an event, encoded once per event and shared by every stream. */
    private static byte[] message(StreamItem item) {
        byte[] message = new byte[headLength(item) + item.jsonLength() + 2];
        append(message, 0, item);
        return message;
    }

    /**
     * Writes {@code id:} (stored events only), {@code event:}, {@code data:} and the event JSON
     * into {@code target} at {@code at}, straight as bytes (no string per event); returns the end.
     */
    private static int append(byte[] target, int at, StreamItem item) {
        if (item.isStored()) {
            System.arraycopy(ID, 0, target, at, ID.length);
            at += ID.length;
            long seq = item.seq();
            int digits = digits(seq);
            for (int i = at + digits - 1; i >= at; i--) {
                target[i] = (byte) ('0' + seq % 10);
                seq /= 10;
            }
            at += digits;
            target[at++] = '\n';
        }
        System.arraycopy(EVENT, 0, target, at, EVENT.length);
        at += EVENT.length;
        String type = item.type();
        if (isPlainAscii(type)) {
            for (int i = 0; i < type.length(); i++) {
                target[at++] = (byte) type.charAt(i);
            }
        } else {
            byte[] bytes = safeType(type).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(bytes, 0, target, at, bytes.length);
            at += bytes.length;
        }
        System.arraycopy(DATA, 0, target, at, DATA.length);
        at += DATA.length;
        item.copyJson(target, at);
        at += item.jsonLength();
        target[at++] = '\n';
        target[at++] = '\n';
        return at;
    }

    /** The bytes {@link #append} writes before the event JSON. */
    private static int headLength(StreamItem item) {
        String type = item.type();
        int typeLength = isPlainAscii(type) ? type.length() : safeType(type).getBytes(StandardCharsets.UTF_8).length;
        int id = item.isStored() ? ID.length + digits(item.seq()) + 1 : 0;
        return id + EVENT.length + typeLength + DATA.length;
    }

    /** Whether every character is printable ASCII or a space (the wire names: {@code domain.action}). */
    private static boolean isPlainAscii(String type) {
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** A type that cannot break the message's lines. */
    private static String safeType(String type) {
        return type.replace('\r', ' ').replace('\n', ' ');
    }

    private static int digits(long value) {
        int digits = 1;
        while (value >= 10) {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private byte[] errorMessage(Throwable error, String path) {
        Problem problem = Problems.from(error);
        return ("event:error\ndata:" + json.writeValueAsString(problem.body(path)) + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
