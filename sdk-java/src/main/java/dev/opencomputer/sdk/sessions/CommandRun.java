package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code command.run}: The {@code bash} tool is about to run a command in the sandbox.
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param callId the model's tool call id
 * @param command the command line
 * @param cwd the working directory, if given
 */
public record CommandRun(long seq, String sessionId, Instant time, String callId, String command, String cwd)
        implements StoredEvent {

    public static final String TYPE = "command.run";

    @Override
    public String type() {
        return TYPE;
    }
}
