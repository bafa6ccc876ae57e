package dev.opencomputer.sdk.sessions;

import java.util.OptionalLong;

/**
 * A live event that is never stored (streamed text, command output): only subscribers connected
 * at that moment see it, a resumed stream never repeats it, and what it adds up to arrives later as
 * a stored event ({@link AgentMessage}, {@link CommandExited}).
 */
public sealed interface EphemeralEvent extends SessionEvent permits AgentDelta, AgentThinkingDelta, CommandOutput {

    @Override
    default OptionalLong position() {
        return OptionalLong.empty();
    }
}
