package dev.opencomputer.session;

import java.util.Map;
import java.util.Objects;

/**
 * The session was created for an agent, whose version is pinned for the session's whole life.
 * {@code model} is the model the pinned version names, {@code sandboxId} the sandbox the session
 * works in when it was attached to one at start (else null), {@code metadata} the caller's labels.
 * Wire name {@value #TYPE}.
 */
public record SessionStarted(
        AgentId agentId,
        int agentVersion,
        String model,
        SandboxId sandboxId,
        Map<String, String> metadata)
        implements SessionEvent {

    public static final String TYPE = "session.started";

    public SessionStarted {
        Objects.requireNonNull(agentId, "agentId");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
