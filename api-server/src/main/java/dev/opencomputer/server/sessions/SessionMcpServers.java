package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.McpServerSpec;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.McpServerStates;
import dev.opencomputer.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The MCP servers of one session and their state: the pinned agent version's, then the session's
 * own, each with the last {@code mcp.connected} / {@code mcp.server_failed} of its log.
 */
@Component
class SessionMcpServers {

    private static final int PAGE = 1000;

    private final EventLog eventLog;

    SessionMcpServers(EventLog eventLog) {
        this.eventLog = eventLog;
    }

    List<McpServerView> of(SessionId session, Agent agent, List<McpServerSpec> own) {
        List<McpServerView> views = new ArrayList<>();
        if (agent.mcpServers().isEmpty() && own.isEmpty()) {
            return views;
        }
        McpServerStates states = new McpServerStates();
        long after = 0;
        while (true) {
            List<LoggedEvent> page = eventLog.readAfter(session, after, PAGE);
            page.forEach(logged -> states.apply(logged.event()));
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast().seq();
        }
        agent.mcpServers().forEach(server -> views.add(view(server, "agent", states)));
        own.forEach(server -> views.add(view(server, "session", states)));
        return views;
    }

    private static McpServerView view(McpServerSpec server, String source, McpServerStates states) {
        McpServerStates.State state = states.of(server.name());
        return new McpServerView(server.name(), source, server.type() == null ? McpServerSpec.STDIO : server.type(), state.status(), state.tools(),
                state.reason());
    }
}
