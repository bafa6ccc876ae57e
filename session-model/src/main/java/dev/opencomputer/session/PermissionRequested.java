package dev.opencomputer.session;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tool call {@code callId} needs a person's yes before it runs: the agent's (or session's)
 * permission policy says {@code ask} for {@code tool}. The session is {@code waiting} until a
 * {@link PermissionAnswered} or {@link PermissionExpired} with the same {@code requestId};
 * {@code expiresAt} is when the request is denied on its own (null: never). Appended before
 * anything of the call runs. Wire name {@value #TYPE}.
 */
public record PermissionRequested(
        String requestId,
        String callId,
        String tool,
        Map<String, Object> input,
        Instant expiresAt)
        implements SessionEvent {

    public static final String TYPE = "permission.requested";

    public PermissionRequested {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(tool, "tool");
        input = input == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(input));
    }

    @Override
    public String type() {
        return TYPE;
    }
}
