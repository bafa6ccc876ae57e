package dev.opencomputer.webhooks;

import dev.opencomputer.session.EventCatalogue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which event types an endpoint receives: exact types ({@code session.idle}) or prefixes with a
 * wildcard ({@code session.*}, {@code *}); no filter means every type. {@code webhook.sent} is
 * never delivered (a delivery would log one more), whatever the filter says.
 */
public record EventFilter(List<String> patterns) {

    /** Types a filter may name besides the stored types of the catalogue. */
    public static final Set<String> EXTRA_TYPES = Set.of(WebhookMessage.TEST_TYPE);

    public EventFilter {
        patterns = patterns == null ? null : List.copyOf(new LinkedHashSet<>(patterns));
    }

    public static final EventFilter ALL = new EventFilter(null);

    /**
     * Checks a filter from a client: each entry an event type this version knows or a prefix of
     * known types ending in {@code .*} (or {@code *} alone).
     *
     * @throws EventFilterInvalidException naming every unknown entry
     */
    public static EventFilter parse(List<String> patterns) {
        if (patterns == null) {
            return ALL;
        }
        List<String> unknown = new ArrayList<>();
        for (String pattern : patterns) {
            if (!known(pattern)) {
                unknown.add(String.valueOf(pattern));
            }
        }
        if (!unknown.isEmpty()) {
            throw new EventFilterInvalidException(unknown);
        }
        return new EventFilter(patterns);
    }

    private static boolean known(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        Set<String> types = new LinkedHashSet<>(EventCatalogue.storedTypes());
        types.addAll(EXTRA_TYPES);
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return types.stream().anyMatch(type -> type.startsWith(prefix));
        }
        return types.contains(pattern);
    }

    /** Whether an event of {@code type} goes to an endpoint with this filter. */
    public boolean matches(String type) {
        if (WebhookMessage.NEVER_SENT.equals(type)) {
            return false;
        }
        if (patterns == null) {
            return true;
        }
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(type)
                    || (pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
