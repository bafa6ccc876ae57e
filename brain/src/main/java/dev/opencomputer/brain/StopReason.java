package dev.opencomputer.brain;

/** Why the model stopped, in one vocabulary for both providers. */
public enum StopReason {
    /** The model finished its turn (Anthropic {@code end_turn}, OpenAI {@code stop}). */
    END_TURN,
    /** The model wants its tool calls run (Anthropic {@code tool_use}, OpenAI {@code tool_calls}). */
    TOOL_USE,
    /** The output hit {@code maxTokens} (Anthropic {@code max_tokens}, OpenAI {@code length}). */
    MAX_TOKENS,
    /** A stop sequence matched. */
    STOP_SEQUENCE,
    /** The model declined (Anthropic {@code refusal}, OpenAI {@code content_filter}). */
    REFUSAL,
    /** Anthropic paused a long turn; sending the conversation again continues it. */
    PAUSE_TURN,
    /** Anything else, including reasons added by providers later. */
    OTHER
}
