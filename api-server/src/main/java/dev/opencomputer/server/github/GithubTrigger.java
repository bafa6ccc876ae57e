package dev.opencomputer.server.github;

import java.time.Instant;
import java.util.List;

/**
 * A GitHub trigger as the API shows it. {@code webhookUrl} is the path to paste into the
 * repository's webhook settings (content type {@code application/json}); {@code webhookSecret} is
 * present only in the answer to the create call.
 */
public record GithubTrigger(String id, String repository, String label, String agentId, String credential,
        String inputTemplate, String branchPrefix, String ref, List<String> steeringAssociations, boolean disabled,
        String webhookUrl, String webhookSecret, Instant createdAt, Instant updatedAt) {

    GithubTrigger withSecret(String secret) {
        return new GithubTrigger(id, repository, label, agentId, credential, inputTemplate, branchPrefix, ref,
                steeringAssociations, disabled, webhookUrl, secret, createdAt, updatedAt);
    }

    TriggerSpec spec() {
        return new TriggerSpec(repository, label, agentId, credential, inputTemplate, branchPrefix, ref,
                steeringAssociations, disabled);
    }
}
