package dev.opencomputer.session;

import java.util.Objects;

/**
 * The run was stopped because it stopped making progress: {@code reason} is one of
 * {@code model_timeout}, {@code command_timeout}, {@code max_duration}, {@code max_steps},
 * {@code no_progress}; {@code detail} is free text.
 * Wire name {@value #TYPE}.
 */
public record RunStuck(String reason, String detail) implements SessionEvent {

    public static final String TYPE = "run.stuck";

    public RunStuck {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
