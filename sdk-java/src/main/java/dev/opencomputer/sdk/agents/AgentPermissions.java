package dev.opencomputer.sdk.agents;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which tool calls need a person's yes: {@code defaultRule} ({@code allow} or {@code ask}) for
 * tools that {@code tools} does not name; {@code tools} maps a tool name or a prefix ending in
 * {@code *} to {@code allow}, {@code ask} or {@code deny}; an unanswered request is denied after
 * {@code timeoutSeconds} (null: never).
 */
public record AgentPermissions(@JsonProperty("default") String defaultRule, Map<String, String> tools,
        Integer timeoutSeconds) {

    public AgentPermissions {
        tools = tools == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(tools));
    }

    /** Everything allowed, except {@code tool}, which asks. */
    public static AgentPermissions ask(String tool) {
        return new AgentPermissions("allow", Map.of(tool, "ask"), null);
    }
}
