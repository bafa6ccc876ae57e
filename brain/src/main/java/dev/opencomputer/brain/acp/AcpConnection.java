package dev.opencomputer.brain.acp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One ACP connection, the client side: requests with their pending answers, notifications, and the
 * agent's own requests ({@code session/request_permission}, …) answered by the {@link Peer}.
 * Messages are newline-delimited JSON; the agent's stdout is fed in with {@link #receive} as it
 * arrives (any chunking), and what the client writes goes to {@code sink}, one line per message.
 * Every message in either direction is also shown to the peer ({@link Peer#transcribe}), so the
 * whole exchange can be kept. Thread-safe.
 */
public final class AcpConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AcpConnection.class);
    public static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the client side does with what the agent sends. */
    public interface Peer {
        /** A notification ({@code session/update}, …). Called on the reading thread, in order. */
        void notified(String method, JsonNode params);

        /**
         * A request from the agent; answers its result, or throws {@link AcpException} for an error.
         * Called on a thread of its own, so it may wait (a permission decision).
         */
        JsonNode requested(String method, JsonNode params);

        /** Every message, {@code inbound} from the agent or not, in the order sent or received. */
        void transcribe(boolean inbound, JsonNode message);
    }

    private final Consumer<byte[]> sink;
    private final Peer peer;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private volatile AcpException closed;

    public AcpConnection(Consumer<byte[]> sink, Peer peer) {
        this.sink = sink;
        this.peer = peer;
    }

    /** Sends a request; the future completes with its result, or with {@link AcpException}. */
    public CompletableFuture<JsonNode> request(String method, Object params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        AcpException gone = closed;
        if (gone != null) {
            pending.remove(id);
            answer.completeExceptionally(gone);
            return answer;
        }
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        write(message);
        return answer;
    }

    /** Sends a notification ({@code session/cancel}). */
    public void notify(String method, Object params) {
        ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", JSON.valueToTree(params));
        write(message);
    }

    /** Feeds bytes of the agent's stdout; complete lines are handled at once, in order. */
    public void receive(byte[] bytes) {
        synchronized (partial) {
            for (byte b : bytes) {
                if (b == '\n') {
                    String line = partial.toString(StandardCharsets.UTF_8).strip();
                    partial.reset();
                    if (!line.isEmpty()) {
                        handle(line);
                    }
                } else {
                    partial.write(b);
                }
            }
        }
    }

    /** The agent went away: every pending request fails with {@code why}. */
    public void closed(String why) {
        AcpException gone = new AcpException(AcpException.CONNECTION_CLOSED, why);
        closed = gone;
        pending.values().forEach(answer -> answer.completeExceptionally(gone));
        pending.clear();
    }

    public boolean isClosed() {
        return closed != null;
    }

    @Override
    public void close() {
        closed("the connection was closed");
    }

    private void handle(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JacksonException e) {
            log.debug("agent wrote a line that is not JSON: {}", line.length() > 200 ? line.substring(0, 200) : line);
            return;
        }
        if (!message.isObject()) {
            return;
        }
        peer.transcribe(true, message);
        JsonNode id = message.get("id");
        String method = message.path("method").asString(null);
        if (method == null && id != null) {
            CompletableFuture<JsonNode> answer = pending.remove(id.asLong());
            if (answer == null) {
                return;
            }
            if (message.has("error")) {
                JsonNode error = message.get("error");
                String detail = error.path("data").isMissingNode() ? "" : " (" + error.path("data") + ")";
                answer.completeExceptionally(new AcpException(error.path("code").asInt(-32603),
                        error.path("message").asString("error") + detail));
            } else {
                answer.complete(message.path("result"));
            }
        } else if (method != null && id == null) {
            try {
                peer.notified(method, message.path("params"));
            } catch (RuntimeException e) {
                log.warn("handling the agent's {} failed", method, e);
            }
        } else if (method != null) {
            JsonNode params = message.path("params");
            Thread.ofVirtual().name("oc-acp-request-" + method).start(() -> answer(id, method, params));
        }
    }

    private void answer(JsonNode id, String method, JsonNode params) {
        ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        try {
            JsonNode result = peer.requested(method, params);
            reply.set("result", result == null ? JSON.nullNode() : result);
        } catch (AcpException e) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("code", e.code());
            error.put("message", e.getMessage());
            reply.set("error", JSON.valueToTree(error));
        } catch (RuntimeException e) {
            log.warn("answering the agent's {} failed", method, e);
            reply.set("error", JSON.valueToTree(Map.of("code", -32603, "message", "internal error")));
        }
        write(reply);
    }

    private void write(ObjectNode message) {
        peer.transcribe(false, message);
        byte[] line = (JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (sink) {
            sink.accept(line);
        }
    }
}
