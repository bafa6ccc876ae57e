package dev.opencomputer.session;

import java.util.Objects;

/**
 * The session cannot go on without someone changing something (e.g. a revoked model credential,
 * a permanent provider error): {@code reason} is a stable code, {@code message} says what to do.
 * A new message retries.
 * Wire name {@value #TYPE}.
 */
public record SessionFailed(String reason, String message) implements SessionEvent {

    public static final String TYPE = "session.failed";

    public SessionFailed {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
