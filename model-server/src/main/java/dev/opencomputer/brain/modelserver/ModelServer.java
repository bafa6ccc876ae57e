package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real HTTP server that answers model requests from a {@link ModelScript}, speaking the
 * Anthropic Messages API ({@code POST /v1/messages}) and OpenAI Chat Completions
 * ({@code POST /v1/chat/completions}), both plain JSON and streamed, so the official SDKs can be
 * pointed at it with a base URL.
 *
 * <p>Every model request is recorded in full before it is answered, including requests that
 * then hang or fail, so tests can assert what the model was (and was not) sent. The log is
 * readable in-process ({@link #requests()}, {@link #awaitRequests(int, Duration)}) and over HTTP:
 *
 * <ul>
 *   <li>{@code GET /_requests} — the log as JSON (credentials shown only as a SHA-256 hash);
 *       {@code DELETE /_requests} clears it</li>
 *   <li>{@code GET /_script}, {@code PUT /_script} — read or replace the script (positions reset)</li>
 *   <li>{@code POST /_release} — let every hanging response end</li>
 *   <li>{@code GET /_health}</li>
 * </ul>
 *
 * <p>Thread-safe: requests are served concurrently on virtual threads.
 */
public final class ModelServer implements AutoCloseable {

    static {
        // Streamed deltas go out at once, as a provider's do: without this the JDK's server leaves
        // small writes to Nagle's algorithm, and a client's delayed ACK adds ~40 ms per response.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final Clock clock;
    private final Consumer<String> log;
    private final AnthropicWire anthropic = new AnthropicWire();
    private final OpenAiWire openAi;
    private final ResponsesWire responses;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final Map<String, Integer> positions = new HashMap<>();
    private ModelScript script;
    private int globalPosition;
    private int sequence;

    private volatile CountDownLatch hangs = new CountDownLatch(1);
    private volatile boolean closed;

    private ModelServer(Builder builder) throws IOException {
        this.clock = builder.clock;
        this.log = builder.log;
        this.script = builder.script;
        this.openAi = new OpenAiWire(clock.instant().getEpochSecond());
        this.responses = new ResponsesWire(clock.instant().getEpochSecond());
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("model-server-", 0).factory());
        this.http = HttpServer.create(new InetSocketAddress(builder.host, builder.port), 64);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    /** Starts a server on an ephemeral port of 127.0.0.1 playing the given script. */
    public static ModelServer start(ModelScript script) {
        return builder().script(script).start();
    }

    /** Starts a server on an ephemeral port of 127.0.0.1 playing {@link ModelScript#defaultScript()}. */
    public static ModelServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The root URL, e.g. {@code http://127.0.0.1:41234}: the Anthropic SDK's base URL. */
    public URI baseUrl() {
        InetSocketAddress address = http.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    /** The base URL for the Anthropic SDK (the root: it appends {@code /v1/messages}). */
    public URI anthropicBaseUrl() {
        return baseUrl();
    }

    /** The base URL for the OpenAI SDK ({@code …/v1}: it appends {@code /chat/completions}). */
    public URI openAiBaseUrl() {
        return URI.create(baseUrl() + "/v1");
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** The script being played. */
    public ModelScript script() {
        lock.lock();
        try {
            return script;
        } finally {
            lock.unlock();
        }
    }

    /** Plays another script from its first turn in every conversation; the request log is kept. */
    public void play(ModelScript newScript) {
        Objects.requireNonNull(newScript, "script");
        lock.lock();
        try {
            script = newScript;
            positions.clear();
            globalPosition = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Every model request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        lock.lock();
        try {
            return List.copyOf(requests);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} model requests have been received (counting from the
     * last {@link #clearRequests()}) and returns them all; throws {@link IllegalStateException}
     * naming what did arrive when the time runs out.
     */
    public List<RecordedRequest> awaitRequests(int count, Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (requests.size() < count) {
                if (nanos <= 0) {
                    throw new IllegalStateException("expected " + count + " model requests within " + timeout
                            + " but received " + requests.size() + ": " + requests);
                }
                nanos = arrived.awaitNanos(nanos);
            }
            return List.copyOf(requests);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for model requests", e);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets the request log (script positions are kept). */
    public void clearRequests() {
        lock.lock();
        try {
            requests.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Ends every hanging response (the connection closes without an answer) and every delay under way. */
    public void releaseHangs() {
        CountDownLatch released = hangs;
        hangs = new CountDownLatch(1);
        released.countDown();
    }

    /** Stops listening, ends hanging responses and closes every connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hangs.countDown();
        http.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getPath();
            if (method.equals("HEAD")) {
                // Claude Code checks that its base URL answers before its first call: no body
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            switch (path) {
                case "/v1/messages/count_tokens", "/messages/count_tokens" -> {
                    if (requirePost(exchange, method)) {
                        countTokens(exchange);
                    }
                }
                case "/v1/messages", "/messages" -> {
                    if (requirePost(exchange, method)) {
                        model(exchange, anthropic, path);
                    }
                }
                case "/v1/chat/completions", "/chat/completions" -> {
                    if (requirePost(exchange, method)) {
                        model(exchange, openAi, path);
                    }
                }
                case "/v1/responses", "/responses" -> {
                    if (requirePost(exchange, method)) {
                        model(exchange, responses, path);
                    }
                }
                case "/_requests" -> requestLog(exchange, method);
                case "/_script" -> scriptEndpoint(exchange, method);
                case "/_release" -> {
                    releaseHangs();
                    exchange.sendResponseHeaders(204, -1);
                }
                case "/_health" -> JsonResponse.send(exchange, 200, Json.object().put("status", "ok"));
                default -> JsonResponse.send(exchange, 404, problem("not found", "no such endpoint: " + path));
            }
        } catch (IOException e) {
            // the client went away; nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.accept("model server: failed to answer " + exchange.getRequestURI() + ": " + e);
        } finally {
            exchange.close();
        }
    }

    /**
     * Anthropic's token counting, estimated (a token per four characters of the request): never a
     * turn of the script, never in the request log.
     */
    private static void countTokens(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonResponse.send(exchange, 200, Json.object().put("input_tokens", Math.max(1, body.length / 4)));
    }

    private static boolean requirePost(HttpExchange exchange, String method) throws IOException {
        if (method.equals("POST")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "POST");
        JsonResponse.send(exchange, 405, problem("method not allowed", method + " is not allowed here"));
        return false;
    }

    private void model(HttpExchange exchange, WireFormat wire, String path) throws IOException, InterruptedException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        WireFormat.ParsedRequest request;
        try {
            request = wire.read(Json.parse(body));
        } catch (JacksonException | IllegalArgumentException e) {
            String message = e instanceof JacksonException j ? "invalid JSON: " + j.getOriginalMessage() : e.getMessage();
            log.accept("model server: rejected a malformed " + wire.provider() + " request: " + message);
            JsonResponse.send(exchange, 400, wire instanceof AnthropicWire ? AnthropicWire.invalidRequest(message)
                    : OpenAiWire.invalidRequest(message));
            return;
        }
        String conversation = RequestParts.conversationKey(request);
        RecordedRequest recorded;
        ScriptedTurn turn;
        ModelScript.Exhaustion exhaustion;
        int scriptSize;
        lock.lock();
        try {
            int index = nextTurn(conversation);
            turn = index < 0 ? null : script.turns().get(index);
            exhaustion = script.onExhausted();
            scriptSize = script.turns().size();
            sequence++;
            recorded = new RecordedRequest(sequence, clock.instant(), wire.provider(), path, RequestParts.headers(exchange),
                    RequestParts.apiKey(exchange), body, conversation, index, request.model(), request.stream(), request.system(),
                    request.messages(), request.toolNames());
            requests.add(recorded);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        if (turn == null) {
            if (exhaustion == ModelScript.Exhaustion.ERROR) {
                log.accept(RequestParts.describe(recorded, scriptSize) + " -> error 500 (script exhausted)");
                wire.fail(exchange, new ScriptedError(500, null, "The model script is exhausted.", null, false));
                return;
            }
            turn = ScriptedTurn.text("(scripted model) You said: {{lastUserMessage}}");
        }
        log.accept(RequestParts.describe(recorded, scriptSize) + " -> " + RequestParts.describe(turn));
        perform(exchange, wire, request, recorded, turn);
    }

    private void perform(HttpExchange exchange, WireFormat wire, WireFormat.ParsedRequest request,
            RecordedRequest recorded, ScriptedTurn turn) throws IOException, InterruptedException {
        WireFormat.Waits waits = new WireFormat.Waits() {
            @Override
            public void pause(Duration duration) throws InterruptedException {
                hangs.await(duration.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void hangUntilReleased() throws InterruptedException {
                hangs.await();
            }
        };
        if (!turn.delay().isZero()) {
            waits.pause(turn.delay());
        }
        boolean hangMidStream = turn.hang() == ScriptedTurn.Hang.MID_STREAM && request.stream();
        if (turn.hang() == ScriptedTurn.Hang.BEFORE_RESPONSE
                || (turn.hang() == ScriptedTurn.Hang.MID_STREAM && !request.stream())) {
            waits.hangUntilReleased();
            return;
        }
        ScriptedError error = turn.error();
        boolean errorMidStream = error != null && error.midStream() && request.stream();
        if (error != null && !errorMidStream) {
            wire.fail(exchange, error);
            return;
        }
        wire.answer(exchange, request, reply(wire, request, recorded, turn, errorMidStream),
                new WireFormat.Playback(turn.deltaDelay(), hangMidStream, errorMidStream ? error : null, waits));
    }

    private static WireFormat.Reply reply(WireFormat wire, WireFormat.ParsedRequest request, RecordedRequest recorded,
            ScriptedTurn turn, boolean errorMidStream) {
        String text = turn.text()
                .replace("{{lastToolResult}}", recorded.lastToolResult())
                .replace("{{lastUserMessage}}", recorded.lastUserText());
        if (text.isEmpty() && errorMidStream) {
            text = "…";
        }
        String seed = recorded.conversation() + ":" + recorded.sequence();
        List<RecordedMessage.RecordedToolCall> calls = new ArrayList<>();
        long outputChars = text.length() + turn.thinking().length();
        for (int i = 0; i < turn.toolCalls().size(); i++) {
            ScriptedToolCall call = turn.toolCalls().get(i);
            String id = call.id() != null ? call.id()
                    : wire.toolCallIdPrefix() + Fingerprint.sha256(seed + ":" + i).substring(0, 24);
            calls.add(new RecordedMessage.RecordedToolCall(id, call.name(), call.inputJson()));
            outputChars += call.inputJson().length();
        }
        String idPrefix = wire instanceof AnthropicWire ? "msg_" : "chatcmpl-";
        long inputTokens = turn.usage() != null ? turn.usage().inputTokens() : Math.max(1, recorded.body().length() / 4);
        long outputTokens = turn.usage() != null ? turn.usage().outputTokens() : Math.max(1, outputChars / 4);
        String signature = turn.thinking().isEmpty() ? "" : "sig_" + Fingerprint.sha256(turn.thinking());
        return new WireFormat.Reply(idPrefix + Fingerprint.sha256(seed).substring(0, 24), request.model(), text,
                turn.thinking(), signature, calls, turn.effectiveStopReason(), inputTokens, outputTokens,
                turn.usage() != null ? turn.usage().cacheReadInputTokens() : 0,
                turn.usage() != null ? turn.usage().cacheCreationInputTokens() : 0);
    }

    /** The script position for the next request of a conversation, or -1 when exhausted. */
    private int nextTurn(String conversation) {
        int position = script.cursor() == ModelScript.Cursor.GLOBAL ? globalPosition++
                : positions.merge(conversation, 1, Integer::sum) - 1;
        int size = script.turns().size();
        if (position < size) {
            return position;
        }
        if (script.onExhausted() == ModelScript.Exhaustion.LOOP && size > 0) {
            return position % size;
        }
        return -1;
    }

    private void requestLog(HttpExchange exchange, String method) throws IOException {
        switch (method) {
            case "GET" -> {
                ArrayNode array = Json.MAPPER.createArrayNode();
                requests().forEach(request -> array.add(request.toJson()));
                JsonResponse.send(exchange, 200, array);
            }
            case "DELETE" -> {
                clearRequests();
                exchange.sendResponseHeaders(204, -1);
            }
            default -> JsonResponse.send(exchange, 405, problem("method not allowed", "use GET or DELETE"));
        }
    }

    private void scriptEndpoint(HttpExchange exchange, String method) throws IOException {
        switch (method) {
            case "GET" -> JsonResponse.send(exchange, 200, Json.parse(script().toJson()));
            case "PUT", "POST" -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                try {
                    ModelScript parsed = ModelScript.parse(body);
                    play(parsed);
                    log.accept("model server: now playing " + parsed);
                    JsonResponse.send(exchange, 200, Json.parse(parsed.toJson()));
                } catch (InvalidModelScriptException e) {
                    JsonResponse.send(exchange, 400, problem("invalid model script", e.getMessage()));
                }
            }
            default -> JsonResponse.send(exchange, 405, problem("method not allowed", "use GET or PUT"));
        }
    }

    private static ObjectNode problem(String title, String detail) {
        return Json.object().put("title", title).put("detail", detail);
    }

    /** Configures a server before it starts. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private ModelScript script;
        private Clock clock = Clock.systemUTC();
        private Consumer<String> log = line -> {
        };

        private Builder() {
        }

        /** The address to listen on; {@code 127.0.0.1} unless set. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
            this.port = port;
            return this;
        }

        /** The script to play; {@link ModelScript#defaultScript()} unless set. */
        public Builder script(ModelScript script) {
            this.script = Objects.requireNonNull(script);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Where to write one line per request; nowhere unless set. */
        public Builder log(Consumer<String> log) {
            this.log = Objects.requireNonNull(log);
            return this;
        }

        public ModelServer start() {
            if (script == null) {
                script = ModelScript.defaultScript();
            }
            try {
                return new ModelServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
            }
        }
    }
}
