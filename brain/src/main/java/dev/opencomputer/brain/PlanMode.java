package dev.opencomputer.brain;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The live config's {@code plan} mode: the model may only look, not change anything. */
final class PlanMode {

    static final String NAME = "plan";
    private static final String NOTE = "\n\nYou are in plan mode: read and list files to understand the task, "
            + "then answer with a plan. Do not change anything; the tools that would are not available.";

    private PlanMode() {
    }

    /** The agent's tools, only those that change nothing in plan mode. */
    static Set<AgentTool> tools(AgentSetup agent, String mode) {
        if (!NAME.equals(mode)) {
            return agent.tools();
        }
        Set<AgentTool> tools = EnumSet.noneOf(AgentTool.class);
        for (AgentTool tool : agent.tools()) {
            if (tool == AgentTool.READ_FILE || tool == AgentTool.LIST_FILES) {
                tools.add(tool);
            }
        }
        return tools;
    }

    /** The tools the brain runs itself for this session; none in plan mode (they change things). */
    static List<ToolSpec> brainTools(RunContext context, BrainTools.Session session, String mode) {
        return NAME.equals(mode) ? List.of() : context.brainTools().specs(session);
    }

    /** The session's MCP tools; none in plan mode (they may change things). */
    static List<ToolSpec> mcpTools(List<ToolSpec> tools, String mode) {
        return NAME.equals(mode) ? List.of() : tools;
    }

    /** The system prompt, with the plan-mode note in plan mode. */
    static String system(String prompt, String mode) {
        return NAME.equals(mode) ? prompt + NOTE : prompt;
    }
}
