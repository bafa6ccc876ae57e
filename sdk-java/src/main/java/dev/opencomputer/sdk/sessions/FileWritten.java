package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code file.write}: A tool created or changed a file in the workspace.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param path the absolute path, under {@code /workspace}
 * @param bytes the file's size
 */
public record FileWritten(long seq, String sessionId, Instant time, String callId, String path, long bytes)
        implements StoredEvent {

    public static final String TYPE = "file.write";

    @Override
    public String type() {
        return TYPE;
    }
}
