package dev.opencomputer.session;

/**
 * The session's live configuration changed, applying from the next model call. A null field is
 * unchanged: {@code model}, {@code mode} (e.g. {@code plan}, {@code auto}) and {@code thoughtLevel}
 * (mapped to the provider's extended-thinking or reasoning-effort setting).
 * Wire name {@value #TYPE}.
 */
public record SessionConfigChanged(
        String model,
        String mode,
        String thoughtLevel)
        implements SessionEvent {

    public static final String TYPE = "session.config_changed";

    @Override
    public String type() {
        return TYPE;
    }
}
