package dev.opencomputer.brain;

/**
 * Receives the pieces of a streamed response as they arrive, on the call's own thread, in order.
 * Nothing is delivered once the call has been cancelled or has timed out. An exception thrown
 * here is logged and ignored: deltas are a live preview, the complete response is what counts.
 */
@FunctionalInterface
public interface ModelStreamListener {

    /** Ignores every delta. */
    ModelStreamListener NONE = text -> {
    };

    /** The next piece of the response text. */
    void onTextDelta(String text);

    /** The next piece of an Anthropic thinking block. */
    default void onThinkingDelta(String text) {
    }
}
