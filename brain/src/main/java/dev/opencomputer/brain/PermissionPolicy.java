package dev.opencomputer.brain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Which tool calls of a session need a person's yes: the agent's rules, tightened by the session's.
 * Each layer of {@link Rules} gives a rule per tool name or name prefix ({@code "mcp__github__*"}),
 * an exact name beating a prefix and a longer prefix a shorter one, else its default; the policy's
 * rule for a tool is the strictest of its layers' ({@link Rule#DENY} over {@link Rule#ASK} over
 * {@link Rule#ALLOW}), so a session can only tighten its agent's policy. Immutable.
 *
 * @param layers  the agent's rules first, then the session's; none: everything is allowed
 * @param timeout how long a request waits before it is denied on its own ({@code permission.expired});
 *                null: it waits until answered or cancelled
 */
public record PermissionPolicy(List<Rules> layers, Duration timeout) {

    /** Everything runs without asking: the policy of an agent that names none. */
    public static final PermissionPolicy ALLOW_ALL = new PermissionPolicy(List.of(), null);

    /** What happens to a call of a tool. */
    public enum Rule {
        /** Runs without asking. */
        ALLOW,
        /** Waits for a person's answer ({@code permission.requested}). */
        ASK,
        /** Never runs: the model gets an error result at once. */
        DENY;

        /** Parses {@code allow}, {@code ask} or {@code deny}. */
        public static Rule parse(String wireName) {
            return valueOf(wireName.toUpperCase(Locale.ROOT));
        }

        /** The stricter of the two. */
        Rule strictest(Rule other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /** One layer of rules: a rule per tool name or prefix ending in {@code *}, and a default. */
    public record Rules(Rule defaultRule, Map<String, Rule> tools) {

        public Rules {
            Objects.requireNonNull(defaultRule, "defaultRule");
            tools = tools == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(tools));
        }

        /** This layer's rule for {@code tool}. */
        public Rule decide(String tool) {
            Rule exact = tools.get(tool);
            if (exact != null) {
                return exact;
            }
            Rule best = defaultRule;
            int bestLength = -1;
            for (Map.Entry<String, Rule> entry : tools.entrySet()) {
                String pattern = entry.getKey();
                if (pattern.endsWith("*")) {
                    String prefix = pattern.substring(0, pattern.length() - 1);
                    if (tool.startsWith(prefix) && prefix.length() > bestLength) {
                        best = entry.getValue();
                        bestLength = prefix.length();
                    }
                }
            }
            return best;
        }
    }

    public PermissionPolicy {
        layers = layers == null ? List.of() : List.copyOf(layers);
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a permission timeout must be positive");
        }
    }

    /** An agent's policy of one layer. */
    public static PermissionPolicy of(Rule defaultRule, Map<String, Rule> tools, Duration timeout) {
        return new PermissionPolicy(List.of(new Rules(defaultRule, tools)), timeout);
    }

    /** This policy with {@code session}'s rules on top: it can only get stricter. */
    public PermissionPolicy tightenedBy(Rules session) {
        if (session == null) {
            return this;
        }
        List<Rules> all = new ArrayList<>(layers);
        all.add(session);
        return new PermissionPolicy(all, timeout);
    }

    /** The rule for a call of {@code tool}: the strictest of every layer's. */
    public Rule decide(String tool) {
        Rule rule = Rule.ALLOW;
        for (Rules layer : layers) {
            rule = rule.strictest(layer.decide(tool));
        }
        return rule;
    }
}
