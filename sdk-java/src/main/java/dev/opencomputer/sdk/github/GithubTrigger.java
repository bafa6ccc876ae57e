package dev.opencomputer.sdk.github;

import java.time.Instant;
import java.util.List;

/**
 * A GitHub trigger: an issue of {@code repository} labelled {@code label} starts a session of the
 * agent, which works on a branch and opens a pull request.
 *
 * @param agentId       the agent its sessions run
 * @param credential    the name of the secret holding the GitHub token
 * @param webhookUrl    where to point the repository's webhook ({@code POST /v1/github/hooks/{id}})
 * @param webhookSecret the webhook's signing secret: only in the answer of
 *                      {@link GithubTriggers#create}, null otherwise
 */
public record GithubTrigger(String id, String repository, String label, String agentId, String credential,
        String inputTemplate, String branchPrefix, String ref, List<String> steeringAssociations, boolean disabled,
        String webhookUrl, String webhookSecret, Instant createdAt, Instant updatedAt) {

    public GithubTrigger {
        steeringAssociations = steeringAssociations == null ? List.of() : List.copyOf(steeringAssociations);
    }
}
