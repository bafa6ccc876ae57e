package dev.opencomputer.brain;

import dev.opencomputer.session.SessionId;
import java.util.Optional;

/**
 * The brain's port to what a session was started with, which lives outside the event log (in the
 * API server's tables): the tenant, the pinned agent version, the session's sandbox, and the
 * start parameters. The brain loads it once per run. What changes during a session's life (model
 * override, thought level, mode) is not here: it is folded from the log's
 * {@code session.config_changed} events.
 *
 * <p>Implementations are thread-safe and never return secret values: the agent's credential is
 * a secret's name, revealed by the brain just before each model call.
 */
public interface SessionSetups {

    /**
     * The setup of {@code session}, or empty when the session cannot be run at all (its agent
     * version or its sandbox record is gone); the brain then fails the session with
     * {@code session_setup_missing}. A failure to read (database down) is thrown, and the run is
     * retried later.
     */
    Optional<SessionSetup> load(SessionId session);
}
