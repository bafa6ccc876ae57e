package dev.opencomputer.brain;

/**
 * The brain's port to language models: one provider-neutral call, answered by the provider's
 * official SDK.
 *
 * <p>Contract for implementations and callers:
 * <ul>
 *   <li>{@link #start} returns at once; the call runs on its own virtual thread. It reads the
 *       key before returning, so the caller may {@link ApiKey#close() wipe} it right after.
 *       Implementations never log the key, never keep it beyond the call, and never put it in an
 *       exception message.</li>
 *   <li>A streamed call ({@link ModelRequest#streaming()}) delivers text deltas to the listener
 *       as they arrive; the complete response is returned by {@link ModelCall#await()} either way.</li>
 *   <li>Every call ends within {@link ModelRequest#timeout()}: a hung provider fails with
 *       {@link ModelFailure#TIMEOUT}.</li>
 *   <li>Failures are thrown as {@link ModelCallException}, classified retryable or permanent,
 *       with the provider's retry-after. Implementations do not retry: the caller decides
 *       (see {@link ModelRetryPolicy}), so it can record and cancel the wait.</li>
 * </ul>
 * Thread-safe.
 */
public interface ModelClient extends AutoCloseable {

    /**
     * Starts a model call.
     *
     * @throws IllegalArgumentException when this client does not serve the request's provider
     */
    ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener);

    /**
     * Calls the model and waits for the complete response; interrupting the calling thread
     * abandons the call promptly.
     */
    default ModelResponse call(ModelRequest request, ApiKey apiKey, ModelStreamListener listener)
            throws ModelCallException, InterruptedException {
        return start(request, apiKey, listener).await();
    }

    /** Releases the SDK clients (connection pools, threads). */
    @Override
    void close();
}
