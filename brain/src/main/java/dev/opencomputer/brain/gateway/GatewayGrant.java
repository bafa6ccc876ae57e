package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.Objects;
import java.util.Set;

/**
 * What one gateway token allows: calls of {@code provider}'s API for one session, arriving on that
 * session's sandbox socket, naming one of {@code models}, paid with the tenant's {@code credential}.
 *
 * @param credential the name of the tenant's secret holding the key; null when the agent names none
 *                   (calls then fail as unauthenticated, the key is never guessed)
 */
public record GatewayGrant(SessionId session, TenantId tenant, SandboxId sandbox, ModelProvider provider,
        SecretName credential, Set<String> models) {

    public GatewayGrant {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(sandbox, "sandbox");
        Objects.requireNonNull(provider, "provider");
        models = Set.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a gateway grant allows at least one model");
        }
    }

    /**
     * Whether a request naming {@code model} is allowed. Claude Code names dated variants and its
     * small fast model for side tasks; a model is allowed when it is listed, or when a listed model
     * followed by {@code -} is its prefix (a dated snapshot of an allowed model).
     */
    public boolean allows(String model) {
        if (model == null) {
            return false;
        }
        if (models.contains(model)) {
            return true;
        }
        return models.stream().anyMatch(allowed -> model.startsWith(allowed + "-"));
    }
}
