package dev.opencomputer.sdk.sessions;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.OpenComputerException;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import dev.opencomputer.sdk.sse.EventStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * Sessions ({@code /v1/sessions}): start them, send them messages, and read their event log — page
 * by page or as a live stream. Needs a tenant API key, or a client token for its own session (then
 * {@link #get}, {@link #sendMessage}, {@link #events}, {@link #allEvents} and {@link #stream} work
 * for that session only). Thread-safe. Another tenant's session is reported as
 * {@link dev.opencomputer.sdk.NotFoundException}, exactly like a missing one.
 */
public final class Sessions {

    private static final String PATH = "/v1/sessions";
    /** The server's largest page of events. */
    public static final int MAX_EVENTS_PAGE = 1000;

    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.sessions()}. */
    public Sessions(Transport transport) {
        this.transport = transport;
    }

    public StartedSession create(CreateSessionRequest request) {
        return create(request, RequestOptions.DEFAULT);
    }

    /**
     * Starts a session: it is {@code pending} with two events, {@code session.started} (pinning the
     * agent's current version) and the first {@code user.message}, until a worker runs it.
     * Idempotent per idempotency key: a retry within 24 hours answers the same session (with a
     * freshly minted client token) instead of starting a second one.
     *
     * @throws dev.opencomputer.sdk.ValidationException e.g. for an unknown agent (field {@code agent})
     * @throws dev.opencomputer.sdk.RateLimitException  at the tenant's limit of running sessions
     */
    public StartedSession create(CreateSessionRequest request, RequestOptions options) {
        return transport.post(PATH, Objects.requireNonNull(request, "request"), StartedSession.class, options);
    }

    public Session get(String id) {
        return transport.get(path(id), Session.class);
    }

    /** The tenant's sessions, newest first, all pages. */
    public Listing<Session> list() {
        return list(null, ListParams.DEFAULT);
    }

    public Listing<Session> list(ListParams params) {
        return list(null, params);
    }

    /**
     * The tenant's sessions in one status ({@code pending}, {@code running}, {@code idle},
     * {@code hibernated}, {@code failed}, {@code closed}; null for all), newest first.
     */
    public Listing<Session> list(String status, ListParams params) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("status", status);
        return Listing.of(p -> transport.page(PATH, filters, p, Session.class), params);
    }

    public long sendMessage(String id, String text) {
        return sendMessage(id, text, RequestOptions.DEFAULT);
    }

    /**
     * Appends a {@code user.message} and returns its seq, its place in the log: a stream reading
     * after {@code seq - 1} starts with it. A running session takes it in at its next step
     * (steering); an idle, hibernated or failed one runs again. Idempotent per idempotency key: a
     * retry never appends the message twice.
     *
     * @throws dev.opencomputer.sdk.ConflictException when the session is closed ({@code session-closed})
     */
    public long sendMessage(String id, String text, RequestOptions options) {
        return sendMessage(id, text, MessageMode.QUEUE, options);
    }

    /**
     * Cancels the step under way and sends {@code text} in its place: {@code run.cancelled} and the
     * {@code user.message} are appended together, and the session runs again with the message.
     * Returns the message's seq.
     *
     * @throws dev.opencomputer.sdk.ConflictException when the session is closed ({@code session-closed})
     */
    public long interrupt(String id, String text) {
        return sendMessage(id, text, MessageMode.INTERRUPT, RequestOptions.DEFAULT);
    }

    /** Like {@link #sendMessage(String, String, RequestOptions)}, with the {@code mode} of your choosing. */
    public long sendMessage(String id, String text, MessageMode mode, RequestOptions options) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", Objects.requireNonNull(text, "text"));
        if (mode != null && mode != MessageMode.QUEUE) {
            body.put("mode", mode.wireName());
        }
        JsonNode event = transport.post(path(id) + "/messages", body, JsonNode.class, options);
        JsonNode seq = event == null ? null : event.get("seq");
        if (seq == null || !seq.isIntegralNumber()) {
            throw new OpenComputerException("the server answered a message without its seq", null);
        }
        return seq.asLong();
    }

    /**
     * Up to {@code limit} (1..{@value #MAX_EVENTS_PAGE}) stored events with a seq greater than
     * {@code afterSeq}, in seq order. Works for closed sessions too.
     */
    public EventPage events(String id, long afterSeq, int limit) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must not be negative");
        }
        if (limit < 1 || limit > MAX_EVENTS_PAGE) {
            throw new IllegalArgumentException("limit must be from 1 to " + MAX_EVENTS_PAGE);
        }
        JsonNode page = transport.get(path(id) + "/events"
                + Transport.query(Map.of("after", afterSeq, "limit", limit)), JsonNode.class);
        List<SessionEvent> events = new ArrayList<>();
        for (JsonNode event : page.path("data").values()) {
            events.add(EventJson.read(event, null));
        }
        JsonNode next = page.path("nextCursor");
        long nextCursor = events.isEmpty() ? afterSeq : events.getLast().position().orElse(afterSeq);
        if (next.isIntegralNumber() || next.isString() && next.asString().matches("\\d{1,18}")) {
            nextCursor = next.asLong();
        }
        return new EventPage(events, nextCursor, page.path("hasMore").asBoolean(false));
    }

    /** Every stored event of the session, from the first, fetched lazily a page at a time. */
    public Iterable<SessionEvent> allEvents(String id) {
        return allEvents(id, 0);
    }

    /**
     * Every event stored after {@code afterSeq} <em>when iteration reaches the end</em>, in seq order,
     * fetched lazily {@value #MAX_EVENTS_PAGE} at a time; each {@code iterator()} starts again at
     * {@code afterSeq}. Iteration ends at the end of the log; to follow new events, use
     * {@link #stream(String, long)}.
     */
    public Iterable<SessionEvent> allEvents(String id, long afterSeq) {
        Objects.requireNonNull(id, "id");
        return () -> new Iterator<>() {
            private long cursor = afterSeq;
            private Iterator<SessionEvent> page = java.util.Collections.emptyIterator();
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && more) {
                    EventPage next = events(id, cursor, MAX_EVENTS_PAGE);
                    page = next.data().iterator();
                    more = next.hasMore() && !next.data().isEmpty();
                    cursor = next.nextCursor();
                }
                return page.hasNext();
            }

            @Override
            public SessionEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
    }

    /** The session's events from the first, then live ones; see {@link #stream(String, long)}. */
    public EventStream<SessionEvent> stream(String id) {
        return stream(id, 0);
    }

    /**
     * The session's stored events after {@code afterSeq}, then live ones — stored and ephemeral — as
     * they happen, until {@link EventStream#close()}. Reconnects on its own and resumes after the
     * last event it yielded, so every stored event is yielded exactly once and in seq order, even
     * across reconnects (ephemeral events published while disconnected are missed: that is what
     * makes them ephemeral). Types this SDK does not know arrive as {@link UnknownEvent}s.
     * {@link EventStream#lastEventId()} is the seq to resume from in a later process.
     *
     * @throws dev.opencomputer.sdk.NotFoundException   when there is no such session
     * @throws dev.opencomputer.sdk.BadRequestException when {@code afterSeq} is beyond the last event
     */
    public EventStream<SessionEvent> stream(String id, long afterSeq) {
        return stream(id, afterSeq, EventStream.Options.DEFAULT);
    }

    /**
     * Like {@link #stream(String, long)} with reconnect settings of the caller's choosing; their
     * {@code lastEventId} is replaced by {@code afterSeq}.
     */
    public EventStream<SessionEvent> stream(String id, long afterSeq, EventStream.Options options) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must not be negative");
        }
        String path = path(id) + "/stream";
        long[] highest = {afterSeq};
        return EventStream.open(
                lastEventId -> transport.openStream(path, lastEventId.isEmpty() ? Map.of()
                        : Map.of("Last-Event-ID", lastEventId)),
                sse -> {
                    SessionEvent event = EventJson.read(sse);
                    // The server resumes exactly after Last-Event-ID; this guard only keeps a stored
                    // event from being yielded twice should a server or proxy replay one.
                    if (event.position().isPresent()) {
                        long seq = event.position().getAsLong();
                        if (seq <= highest[0]) {
                            return null;
                        }
                        highest[0] = seq;
                    }
                    return event;
                },
                options.withLastEventId(afterSeq == 0 ? "" : Long.toString(afterSeq)));
    }

    /** Allows the pending permission request {@code requestId}: the call runs. */
    public PermissionAnswered approve(String id, String requestId) {
        return answer(id, requestId, "allow", null);
    }

    /**
     * Denies the pending permission request {@code requestId}: the model gets {@code message} (may be
     * null) as the call's error result.
     *
     * @throws dev.opencomputer.sdk.ConflictException when it was answered, expired or cancelled
     *         before ({@code already-answered})
     */
    public PermissionAnswered deny(String id, String requestId, String message) {
        return answer(id, requestId, "deny", message);
    }

    private PermissionAnswered answer(String id, String requestId, String decision, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("decision", decision);
        if (message != null) {
            body.put("message", message);
        }
        JsonNode event = transport.post(path(id) + "/permissions/" + Transport.segment(requestId), body,
                JsonNode.class, RequestOptions.DEFAULT);
        return expect(EventJson.read(event, PermissionAnswered.TYPE), PermissionAnswered.class);
    }

    /**
     * Answers the client tool call {@code callId} with what your backend made of it; the run goes on
     * with it as the tool's result ({@code error}: the call failed). Answers the stored {@code tool.result}.
     *
     * @throws dev.opencomputer.sdk.ConflictException when the call has its result already or was
     *         cancelled ({@code already-answered})
     */
    public ToolResult submitToolResult(String id, String callId, String output, boolean error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("callId", Objects.requireNonNull(callId, "callId"));
        body.put("output", output == null ? "" : output);
        body.put("error", error);
        JsonNode event = transport.post(path(id) + "/tool-results", body, JsonNode.class, RequestOptions.DEFAULT);
        return expect(EventJson.read(event, ToolResult.TYPE), ToolResult.class);
    }

    private static <T extends SessionEvent> T expect(SessionEvent event, Class<T> type) {
        if (!type.isInstance(event)) {
            throw new OpenComputerException("the server answered an unexpected event: " + event.type(), null);
        }
        return type.cast(event);
    }

    /** The session's budget: limits in force, spend so far, exhaustion. An API key or the session's client token. */
    public SessionBudget budget(String id) {
        return transport.get(path(id) + "/budget", SessionBudget.class);
    }

    /**
     * Raises or lowers the session's own budget (an API key only): each non-null field of
     * {@code budget} replaces that limit, the others stay. It lifts an exhaustion, so the next
     * message runs (and stops again at once if the spend is still over a limit).
     */
    public SessionBudget changeBudget(String id, Budget budget) {
        return transport.patch(path(id) + "/budget", Objects.requireNonNull(budget, "budget"), "application/json",
                SessionBudget.class);
    }

    /**
     * Cancels the run under way, if any: the step in progress is stopped, its open calls are
     * answered as cancelled ({@code run.cancelled}) and the session goes idle until the next
     * message. A session without a run is answered unchanged. An API key or the session's client token.
     */
    public Session cancel(String id) {
        return transport.post(path(id) + "/cancel", null, Session.class, RequestOptions.DEFAULT);
    }

    /**
     * Closes the session ({@code session.closed}): it takes no more messages, its sandbox is removed
     * unless another live session shares it, and its log stays readable. API key only.
     */
    public Session close(String id) {
        return transport.post(path(id) + "/close", null, Session.class, RequestOptions.DEFAULT);
    }

    /**
     * Destroys the session with its events and (unless shared) its sandbox and workspace; afterwards
     * it is {@link dev.opencomputer.sdk.NotFoundException}. API key only.
     */
    public void destroy(String id) {
        transport.delete(path(id));
    }

    /**
     * Wakes a hibernated session now (its sandbox is started again on the same workspace,
     * {@code session.woke}); a session that is not hibernated is answered as it is. API key only.
     */
    public Session wake(String id) {
        return transport.post(path(id) + "/wake", null, Session.class, RequestOptions.DEFAULT);
    }

    /** The permission requests and client tool calls the session waits for, oldest first. */
    public Session.Pending pending(String id) {
        return transport.get(path(id) + "/pending", Session.Pending.class);
    }

    /** The models, modes and thinking levels the session may switch to, and the current ones. */
    public SessionConfigOptions configOptions(String id) {
        return transport.get(path(id) + "/config-options", SessionConfigOptions.class);
    }

    /**
     * Changes the live configuration from the next model call ({@code session.config_changed});
     * answers the configuration that then applies.
     *
     * @throws dev.opencomputer.sdk.ValidationException for a value outside {@link #configOptions}
     * @throws dev.opencomputer.sdk.ConflictException   when the session is closed
     */
    public SessionConfig changeConfig(String id, ConfigChange change) {
        return transport.patch(path(id) + "/config", Objects.requireNonNull(change, "change"), "application/json",
                SessionConfig.class);
    }

    /**
     * Mints a fresh client token for the session, e.g. when the one from {@link #create} is about to
     * expire. Needs the tenant's API key (or a still-valid client token of the session).
     */
    public ClientToken clientToken(String id) {
        return transport.post(path(id) + "/client-tokens", null, ClientToken.class, RequestOptions.DEFAULT);
    }

    private static String path(String id) {
        return PATH + "/" + Transport.segment(id);
    }
}
