package dev.opencomputer.brain;

import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import java.util.List;
import java.util.Map;

/**
 * Tools the brain runs itself, outside the sandbox, for the sessions that have them — GitHub's
 * {@code open_pull_request} today; remote MCP servers and client tools fit the same shape. They
 * reach what the sandbox must never hold (a repository token), so they run in the brain process,
 * and their calls are logged like every other: {@code tool.call} before, their events and the
 * {@code tool.result} after.
 */
public interface BrainTools {

    /** No tools: sessions get only the agent's sandbox tools. */
    BrainTools NONE = new BrainTools() {
        @Override
        public List<ToolSpec> specs(Session session) {
            return List.of();
        }

        @Override
        public void prepare(Session session) {
        }

        @Override
        public List<SessionEvent> call(Session session, ContentBlock.ToolUse call) {
            throw new IllegalArgumentException("no brain tool named " + call.name());
        }
    };

    /** The session a call belongs to: its id, what it was started with, and its metadata. */
    record Session(SessionId id, SessionSetup setup, Map<String, String> metadata) {
    }

    /** The tools this session gets besides the agent's; empty for most sessions. */
    List<ToolSpec> specs(Session session);

    /**
     * Runs at the start of every run of a session that {@link #specs} gives tools, before the first
     * step, with the sandbox running: sets the workspace up (a checkout). Must be idempotent: a resumed or woken run calls it again.
     *
     * @throws RuntimeException with a message that may be shown to the user; the run then fails
     */
    void prepare(Session session);

    /**
     * Runs one call of a tool from {@link #specs}; answers what to append after it, its
     * {@code tool.result} last (an error result for input the tool cannot use). A call that was
     * interrupted by a crash is run again: these tools are idempotent.
     */
    List<SessionEvent> call(Session session, ContentBlock.ToolUse call);
}
