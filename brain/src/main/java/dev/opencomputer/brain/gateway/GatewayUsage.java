package dev.opencomputer.brain.gateway;

import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TokenUsage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens counted by the gateway per session since the session's run last took them: the run
 * puts them into the {@code agent.message} of the turn, so they are in the session's usage.
 * Thread-safe.
 */
public final class GatewayUsage {

    /** Tokens and upstream calls of one session. */
    public record Counted(TokenUsage tokens, int calls) {
        public static final Counted NONE = new Counted(TokenUsage.NONE, 0);

        Counted plus(TokenUsage more) {
            return new Counted(tokens.plus(more), calls + 1);
        }
    }

    private final Map<SessionId, Counted> counted = new ConcurrentHashMap<>();

    void add(SessionId session, TokenUsage usage) {
        counted.merge(session, Counted.NONE.plus(usage), (a, b) -> new Counted(a.tokens().plus(b.tokens()),
                a.calls() + b.calls()));
    }

    /** What was counted for {@code session} since the last take, forgotten here. */
    public Counted take(SessionId session) {
        Counted taken = counted.remove(session);
        return taken == null ? Counted.NONE : taken;
    }

    /** What was counted for {@code session} since the last take, kept. */
    public Counted peek(SessionId session) {
        return counted.getOrDefault(session, Counted.NONE);
    }
}
