package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.Map;

/**
 * {@code client_tool.called}: the model called one of the agent's client tools; run it in your
 * backend and answer with {@link Sessions#submitToolResult}. The session is {@code waiting} meanwhile.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId    what the result names
 * @param name      the client tool
 * @param input     the call's input as the model gave it
 */
public record ClientToolCalled(long seq, String sessionId, Instant time, String callId, String name,
        Map<String, Object> input) implements StoredEvent {

    public static final String TYPE = "client_tool.called";

    public ClientToolCalled {
        input = input == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
