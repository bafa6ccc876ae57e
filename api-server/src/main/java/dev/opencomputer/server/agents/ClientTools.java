package dev.opencomputer.server.agents;

import dev.opencomputer.brain.ToolSpec;
import dev.opencomputer.server.problems.FieldViolation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an agent's client tools: a name (as the model sees it) that no sandbox tool has and no
 * other client tool repeats, a description, and an input schema that is a JSON Schema object the
 * model providers accept ({@link InputSchemas}).
 */
public final class ClientTools {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final int MAX_TOOLS = 64;
    private static final int MAX_DESCRIPTION = 4_096;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ClientTools() {
    }

    static void check(List<AgentSpec.ClientTool> clientTools, List<String> tools, List<FieldViolation> v) {
        if (clientTools.size() > MAX_TOOLS) {
            v.add(new FieldViolation("clientTools", "must have at most " + MAX_TOOLS + " tools"));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < clientTools.size(); i++) {
            String field = "clientTools[" + i + "]";
            AgentSpec.ClientTool tool = clientTools.get(i);
            if (tool == null) {
                v.add(new FieldViolation(field, "must be an object"));
                continue;
            }
            if (tool.name() == null || !NAME.matcher(tool.name()).matches()) {
                v.add(new FieldViolation(field + ".name", "must be 1 to 64 letters, digits, '_' or '-'"));
            } else if (AgentSpec.TOOLS.contains(tool.name()) || !names.add(tool.name())) {
                v.add(new FieldViolation(field + ".name", "must not repeat a tool's name"));
            }
            if (tool.description() == null || tool.description().isBlank()
                    || tool.description().length() > MAX_DESCRIPTION) {
                v.add(new FieldViolation(field + ".description", "is required, at most " + MAX_DESCRIPTION
                        + " characters"));
            }
            if (tool.inputSchema() == null) {
                v.add(new FieldViolation(field + ".inputSchema", "is required (a JSON Schema with type object)"));
            } else {
                InputSchemas.check(tool.inputSchema(), field + ".inputSchema", v);
            }
        }
    }

    /** The tools as the brain offers them to the model. */
    public static List<ToolSpec> specs(List<AgentSpec.ClientTool> clientTools) {
        return clientTools == null ? List.of() : clientTools.stream()
                .map(tool -> new ToolSpec(tool.name(), tool.description(), JSON.writeValueAsString(tool.inputSchema())))
                .toList();
    }
}
