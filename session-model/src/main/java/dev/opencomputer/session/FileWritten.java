package dev.opencomputer.session;

import java.util.Objects;

/**
 * A file in the sandbox's workspace was created or changed by the tool call {@code callId}
 * ({@code write_file}, {@code edit_file}): its path and new size. Informational, for people
 * watching; the model learns the outcome from the call's {@link ToolResult}.
 * Wire name {@value #TYPE}.
 */
public record FileWritten(String callId, String path, long bytes) implements SessionEvent {

    public static final String TYPE = "file.write";

    public FileWritten {
        Objects.requireNonNull(path, "path");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
