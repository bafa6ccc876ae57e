package dev.opencomputer.brain.gateway;

import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TokenUsage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budget checks of the sessions whose agents this gateway serves: before each counted upstream
 * call the session's {@link Guard} (registered by the run that started the agent) says whether the
 * call may be made, given what the gateway counted for the session's turn so far. A session without
 * a guard is not limited here. Thread-safe.
 */
public final class GatewayBudgets {

    /** A session's check; called on the gateway's threads. */
    @FunctionalInterface
    public interface Guard {
        /**
         * Why a call to {@code model} must not be made, with {@code uncounted} already spent this turn
         * (not in the log yet); empty when it may.
         */
        Optional<String> refuses(String model, TokenUsage uncounted);
    }

    private final Map<SessionId, Guard> guards = new ConcurrentHashMap<>();

    /** Checks {@code session}'s calls with {@code guard} until the handle is closed. */
    public AutoCloseable guard(SessionId session, Guard guard) {
        Objects.requireNonNull(guard, "guard");
        guards.put(session, guard);
        return () -> guards.remove(session, guard);
    }

    /** Why {@code session}'s call to {@code model} must not be made; empty when it may (or no guard is set). */
    Optional<String> refusal(SessionId session, String model, TokenUsage uncounted) {
        Guard guard = guards.get(session);
        return guard == null ? Optional.empty() : guard.refuses(model, uncounted);
    }
}
