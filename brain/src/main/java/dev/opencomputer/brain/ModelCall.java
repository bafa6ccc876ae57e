package dev.opencomputer.brain;

/**
 * A model call under way. Thread-safe: one thread may {@link #await()} while another
 * {@link #cancel()}s.
 */
public interface ModelCall {

    /**
     * Waits for the complete response. Interrupting the waiting thread cancels the call and
     * throws {@link InterruptedException}.
     *
     * @throws ModelCallException the call failed, timed out ({@link ModelFailure#TIMEOUT}) or was
     *                            cancelled ({@link ModelFailure#CANCELLED})
     */
    ModelResponse await() throws ModelCallException, InterruptedException;

    /**
     * Abandons the call at once: {@link #await()} throws {@link ModelFailure#CANCELLED}, no more
     * deltas are delivered, and the HTTP exchange is torn down (its socket closed) in the
     * background. A response that arrives anyway is dropped. Harmless when already finished.
     */
    void cancel();

    /** Whether the call has finished, one way or another. */
    boolean isDone();
}
