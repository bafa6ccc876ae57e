package dev.opencomputer.server.agents;

import dev.opencomputer.brain.PermissionPolicy;
import dev.opencomputer.server.problems.FieldViolation;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a permission policy as an agent or a session sends it, and turns it into the brain's
 * {@link PermissionPolicy}: {@code default} is {@code allow} or {@code ask}, each key of
 * {@code tools} a tool name or a prefix ending in {@code *}, each value {@code allow}, {@code ask} or
 * {@code deny}.
 */
public final class AgentPermissions {

    private static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9_-]{1,64}\\*?|\\*");
    private static final List<String> DEFAULTS = List.of("allow", "ask");
    private static final List<String> RULES = List.of("allow", "ask", "deny");
    private static final int MAX_RULES = 200;

    private AgentPermissions() {
    }

    /** Adds a violation for each broken rule of {@code permissions} (null passes) under {@code field}. */
    public static void check(AgentSpec.Permissions permissions, String field, boolean timeoutAllowed,
            List<FieldViolation> v) {
        if (permissions == null) {
            return;
        }
        if (permissions.defaultRule() != null && !DEFAULTS.contains(permissions.defaultRule())) {
            v.add(new FieldViolation(field + ".default", "must be one of " + DEFAULTS));
        }
        Map<String, String> tools = permissions.tools() == null ? Map.of() : permissions.tools();
        if (tools.size() > MAX_RULES) {
            v.add(new FieldViolation(field + ".tools", "must have at most " + MAX_RULES + " entries"));
        }
        tools.forEach((pattern, rule) -> {
            if (!PATTERN.matcher(pattern).matches()) {
                v.add(new FieldViolation(field + ".tools." + pattern,
                        "keys are a tool name or a prefix ending in '*' (letters, digits, '_', '-')"));
            }
            if (rule == null || !RULES.contains(rule)) {
                v.add(new FieldViolation(field + ".tools." + pattern, "must be one of " + RULES));
            }
        });
        Integer timeout = permissions.timeoutSeconds();
        if (timeout != null && !timeoutAllowed) {
            v.add(new FieldViolation(field + ".timeoutSeconds", "is set on the agent, not on a session"));
        } else if (timeout != null && (timeout < 1 || timeout > 7 * 86_400)) {
            v.add(new FieldViolation(field + ".timeoutSeconds", "must be from 1 to 604800"));
        }
    }

    /** One layer of rules; {@code default} defaults to {@code allow}. */
    public static PermissionPolicy.Rules rules(AgentSpec.Permissions permissions) {
        Map<String, PermissionPolicy.Rule> tools = new LinkedHashMap<>();
        if (permissions.tools() != null) {
            permissions.tools().forEach((pattern, rule) -> tools.put(pattern, PermissionPolicy.Rule.parse(rule)));
        }
        return new PermissionPolicy.Rules(PermissionPolicy.Rule.parse(
                permissions.defaultRule() == null ? "allow" : permissions.defaultRule()), tools);
    }

    /** The brain's policy of an agent: its rules and timeout, or none. */
    public static PermissionPolicy policy(AgentSpec.Permissions permissions) {
        if (permissions == null) {
            return PermissionPolicy.ALLOW_ALL;
        }
        return new PermissionPolicy(List.of(rules(permissions)),
                permissions.timeoutSeconds() == null ? null : Duration.ofSeconds(permissions.timeoutSeconds()));
    }
}
