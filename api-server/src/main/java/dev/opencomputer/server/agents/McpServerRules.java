package dev.opencomputer.server.agents;

import dev.opencomputer.brain.RemoteUrlCheck;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.webhooks.UrlGuard;
import dev.opencomputer.webhooks.UrlRejectedException;
import dev.opencomputer.webhooks.WebhookProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The rules of {@code mcpServers} lists: each entry's shape ({@link McpServerSpec}), names unique
 * in a session, and remote URLs allowed by the same SSRF guard (and settings) as webhook endpoints,
 * checked with a fresh DNS answer here and again by the brain before it connects.
 */
@Component
public class McpServerRules {

    private final UrlGuard guard;

    McpServerRules(WebhookProperties webhooks) {
        this.guard = UrlGuard.of(webhooks);
    }

    /** The entries with their defaults, or a 422 naming every broken field of {@code field}. */
    public List<McpServerSpec> checked(String field, List<McpServerSpec> servers) {
        List<McpServerSpec> filled = servers == null ? List.of()
                : servers.stream().map(s -> s == null ? null : s.withDefaults()).toList();
        List<FieldViolation> violations = new ArrayList<>(McpServerSpec.violations(field, filled));
        for (int i = 0; i < filled.size() && violations.isEmpty(); i++) {
            McpServerSpec server = filled.get(i);
            if (McpServerSpec.HTTP.equals(server.type())) {
                try {
                    guard.check(server.url());
                } catch (UrlRejectedException e) {
                    violations.add(new FieldViolation(field + "[" + i + "].url", e.getMessage()));
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        return filled;
    }

    /** The brain's check before it connects to a remote server: the same guard, a fresh DNS answer. */
    public RemoteUrlCheck remoteUrlCheck() {
        return url -> {
            try {
                guard.check(url.toString());
            } catch (UrlRejectedException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
    }
}
