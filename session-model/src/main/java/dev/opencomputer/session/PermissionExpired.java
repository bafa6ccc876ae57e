package dev.opencomputer.session;

import java.util.Objects;

/**
 * Nobody answered the {@link PermissionRequested} {@code requestId} before its {@code expiresAt}:
 * it counts as denied, and the model is told the request timed out. Wire name {@value #TYPE}.
 */
public record PermissionExpired(String requestId) implements SessionEvent {

    public static final String TYPE = "permission.expired";

    public PermissionExpired {
        Objects.requireNonNull(requestId, "requestId");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
