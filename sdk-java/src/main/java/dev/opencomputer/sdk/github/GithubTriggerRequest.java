package dev.opencomputer.sdk.github;

import java.util.List;
import java.util.Objects;

/**
 * Body of {@link GithubTriggers#create}: null fields get the server's defaults (see docs/github.md)
 * and are not sent.
 *
 * @param repository    {@code owner/name}; required
 * @param label         the issue label that starts a session; required
 * @param agent         the agent, by id or name; required
 * @param credential    the name of the secret holding the GitHub token; required
 * @param inputTemplate the session's first message, with {@code {title}}, {@code {body}}, {@code {number}}…
 * @param branchPrefix  the pull request branch's prefix
 * @param ref           the branch to check out and open the pull request into
 * @param steeringAssociations which commenters' {@code author_association} may steer the session
 * @param disabled      true to create it switched off
 */
public record GithubTriggerRequest(String repository, String label, String agent, String credential,
        String inputTemplate, String branchPrefix, String ref, List<String> steeringAssociations, Boolean disabled) {

    public GithubTriggerRequest {
        Objects.requireNonNull(repository, "repository");
        steeringAssociations = steeringAssociations == null ? null : List.copyOf(steeringAssociations);
    }

    /** A trigger with the server's defaults for everything but what it needs. */
    public static GithubTriggerRequest of(String repository, String label, String agent, String credential) {
        return new GithubTriggerRequest(repository, label, agent, credential, null, null, null, null, null);
    }
}
