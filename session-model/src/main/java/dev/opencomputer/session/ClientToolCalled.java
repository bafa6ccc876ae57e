package dev.opencomputer.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The model called {@code name}, a client tool of the agent: the user's backend runs it, not the
 * sandbox. The session is {@code waiting} until the backend posts the result, which is stored as the
 * call's {@link ToolResult}. Wire name {@value #TYPE}.
 */
public record ClientToolCalled(
        String callId,
        String name,
        Map<String, Object> input)
        implements SessionEvent {

    public static final String TYPE = "client_tool.called";

    public ClientToolCalled {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(name, "name");
        input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
