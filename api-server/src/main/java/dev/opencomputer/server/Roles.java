package dev.opencomputer.server;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * What this process does, from {@code opencomputer.roles} (default {@code api,brain,dispatcher}):
 * {@code api} serves HTTP, {@code brain} runs sessions (and is the only role that ever reveals a
 * model key), {@code dispatcher} sends webhooks. One jar runs every role; a deployment scales them
 * apart by giving replicas fewer.
 */
public record Roles(Set<String> names) {

    public static final String PROPERTY = "opencomputer.roles";
    public static final List<String> KNOWN = List.of("api", "brain", "dispatcher");

    public Roles {
        Set<String> normalized = new LinkedHashSet<>();
        for (String name : names) {
            String role = name.strip().toLowerCase(Locale.ROOT);
            if (role.isEmpty()) {
                continue;
            }
            if (!KNOWN.contains(role)) {
                throw new IllegalArgumentException(PROPERTY + ": unknown role '" + name + "'; the roles are " + KNOWN);
            }
            normalized.add(role);
        }
        if (normalized.isEmpty()) {
            throw new IllegalArgumentException(PROPERTY + " must name at least one of " + KNOWN);
        }
        names = Set.copyOf(normalized);
    }

    /** The roles configured in {@code environment}. */
    public static Roles of(Environment environment) {
        return new Roles(Set.copyOf(Binder.get(environment).bind(PROPERTY,
                org.springframework.boot.context.properties.bind.Bindable.listOf(String.class)).orElse(KNOWN)));
    }

    public boolean has(String role) {
        return names.contains(role);
    }
}
