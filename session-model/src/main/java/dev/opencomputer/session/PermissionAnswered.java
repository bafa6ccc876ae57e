package dev.opencomputer.session;

import java.util.Objects;

/**
 * A person answered the {@link PermissionRequested} {@code requestId}: {@code allow} runs the call,
 * {@code deny} answers the model with {@code message} as the call's error result. {@code by} says
 * who answered ({@code api_key:<key id>} or {@code client_token}). Only the first answer of a
 * request counts; the API refuses a second. Wire name {@value #TYPE}.
 */
public record PermissionAnswered(
        String requestId,
        String decision,
        String message,
        String by)
        implements SessionEvent {

    public static final String TYPE = "permission.answered";
    public static final String ALLOW = "allow";
    public static final String DENY = "deny";

    public PermissionAnswered {
        Objects.requireNonNull(requestId, "requestId");
        if (!ALLOW.equals(decision) && !DENY.equals(decision)) {
            throw new IllegalArgumentException("a permission decision is allow or deny: " + decision);
        }
    }

    /** Whether the call may run. */
    public boolean allowed() {
        return ALLOW.equals(decision);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
