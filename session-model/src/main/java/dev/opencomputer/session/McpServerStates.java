package dev.opencomputer.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state of a session's MCP servers, folded from its log: the last {@link McpConnected} or
 * {@link McpServerFailed} of each server decides. A server without either has not been tried yet.
 * Not thread-safe: one fold per read.
 */
public final class McpServerStates {

    /** One server's last known state. */
    public record State(String status, int tools, String reason) {

        public static final String CONNECTED = "connected";
        public static final String FAILED = "failed";
        public static final String PENDING = "pending";
        static final State NOT_TRIED = new State(PENDING, 0, null);
    }

    private final Map<String, State> states = new LinkedHashMap<>();

    /** Folds the next event of the session's log (events of other types change nothing). */
    public McpServerStates apply(SessionEvent event) {
        if (event instanceof McpConnected connected) {
            states.put(connected.name(), new State(State.CONNECTED, connected.tools().size(), null));
        } else if (event instanceof McpServerFailed failed) {
            states.put(failed.name(), new State(State.FAILED, 0, failed.reason()));
        }
        return this;
    }

    /** The state of {@code name}: {@code pending} until a run tried it. */
    public State of(String name) {
        return Optional.ofNullable(states.get(name)).orElse(State.NOT_TRIED);
    }
}
