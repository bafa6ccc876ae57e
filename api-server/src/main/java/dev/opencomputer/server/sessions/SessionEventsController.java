package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.server.problems.Problem;
import dev.opencomputer.server.problems.Problems;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.List;
import java.util.concurrent.Executors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's log: {@code GET …/events} pages it, {@code GET …/stream} streams it over SSE from
 * any cursor, then live. Both work for closed sessions and sessions whose sandbox is gone.
 */
@RestController
@RequestMapping("/v1/sessions/{id}")
class SessionEventsController {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final Sessions sessions;
    private final EventLog eventLog;
    private final SessionsProperties properties;
    private final JsonMapper json;
    private final EventJson eventJson = new EventJson();
    private final Scheduler blocking = Schedulers.fromExecutor(Executors.newVirtualThreadPerTaskExecutor());

    SessionEventsController(Sessions sessions, EventLog eventLog, SessionsProperties properties, JsonMapper json) {
        this.sessions = sessions;
        this.eventLog = eventLog;
        this.properties = properties;
        this.json = json;
    }

    /**
     * Up to {@code limit} events after {@code after}, in seq order. {@code nextCursor} is the seq
     * to pass as {@code after} next time (also when the page is empty, so that clients can poll);
     * {@code hasMore} tells whether more events are stored right now.
     */
    @GetMapping(path = "/events", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> events(Caller caller, @PathVariable String id, @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit) {
        SessionId session = SessionsController.sessionId(id);
        TenantId tenant = caller.requireSession(session);
        SeqCursor cursor = SeqCursor.parse("after", after);
        int size = pageSize(limit);
        sessions.find(tenant, session);
        List<LoggedEvent> events = eventLog.readAfter(session, cursor.after(), size + 1);
        boolean hasMore = events.size() > size;
        List<LoggedEvent> page = hasMore ? events.subList(0, size) : events;
        long next = page.isEmpty() ? cursor.after() : page.getLast().seq();
        StringBuilder body = new StringBuilder(256 * page.size() + 64).append("{\"data\":[");
        for (int i = 0; i < page.size(); i++) {
            body.append(i == 0 ? "" : ",").append(eventJson.write(page.get(i)));
        }
        body.append("],\"nextCursor\":\"").append(next).append("\",\"hasMore\":").append(hasMore).append('}');
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body.toString());
    }

    /**
     * The log as Server-Sent Events: every event after the cursor ({@code Last-Event-ID}, which
     * wins, or {@code ?after=}, default 0), then live ones, each exactly once and in order;
     * {@code id:} is the seq, {@code event:} the type, {@code data:} the event JSON. Ephemeral
     * events have no {@code id:}. A {@code :} comment goes out every heartbeat; the first
     * message sets {@code retry:}. A failure after the stream started ends it with
     * {@code event: error} carrying the problem JSON.
     */
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<String>> stream(Caller caller, @PathVariable String id,
            @RequestParam(required = false) String after,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            ServerHttpRequest request) {
        SessionId session = SessionsController.sessionId(id);
        TenantId tenant = caller.requireSession(session);
        SeqCursor cursor = lastEventId != null ? SeqCursor.parse("Last-Event-ID", lastEventId)
                : SeqCursor.parse("after", after);
        String path = request.getPath().value();
        return Mono.fromCallable(() -> sessions.find(tenant, session))
                .subscribeOn(blocking)
                .flatMapMany(found -> {
                    if (cursor.after() > found.lastSeq()) {
                        return Flux.error(new ParameterInvalidException(lastEventId != null ? "Last-Event-ID" : "after",
                                "the cursor is beyond the session's last event (" + found.lastSeq() + ")"));
                    }
                    return live(session, cursor.after(), path);
                });
    }

    private Flux<ServerSentEvent<String>> live(SessionId session, long after, String path) {
        ServerSentEvent<String> hello = ServerSentEvent.<String>builder().retry(properties.retry())
                .comment("session " + session.value() + " after " + after).build();
        Flux<ServerSentEvent<String>> events = JdkFlowAdapter.flowPublisherToFlux(eventLog.subscribe(session, after))
                .map(SessionEventsController::toEvent);
        Flux<ServerSentEvent<String>> heartbeats = Flux.interval(properties.heartbeat())
                .onBackpressureDrop()
                .map(tick -> ServerSentEvent.<String>builder().comment("").build());
        return Flux.concat(Flux.just(hello), Flux.merge(events, heartbeats))
                .onErrorResume(error -> Flux.just(errorEvent(error, path)));
    }

    private static ServerSentEvent<String> toEvent(StreamItem item) {
        ServerSentEvent.Builder<String> event = ServerSentEvent.builder(item.json()).event(item.type());
        if (item.isStored()) {
            event.id(Long.toString(item.seq()));
        }
        return event.build();
    }

    private ServerSentEvent<String> errorEvent(Throwable error, String path) {
        Problem problem = Problems.from(error);
        return ServerSentEvent.builder(json.writeValueAsString(problem.body(path))).event("error").build();
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(limit.strip());
            if (size >= 1 && size <= MAX_PAGE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ParameterInvalidException("limit", "limit must be an integer from 1 to " + MAX_PAGE);
    }
}
