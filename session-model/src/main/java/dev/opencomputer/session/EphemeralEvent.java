package dev.opencomputer.session;

/**
 * Something live that is worth showing while it happens but is never stored: text and thinking
 * deltas while a model response streams, output chunks while a command runs. Ephemeral events
 * have no {@code seq}; they reach the subscribers connected at the time and are lost for
 * everyone else. What they add up to is stored as a {@link SessionEvent} ({@link AgentMessage},
 * {@link CommandExited}).
 */
public sealed interface EphemeralEvent permits AgentMessageDelta, AgentThinkingDelta, CommandOutput, UnknownEvent {

    /** The wire name, {@code domain.action}. */
    String type();
}
