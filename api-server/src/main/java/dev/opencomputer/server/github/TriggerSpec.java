package dev.opencomputer.server.github;

import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a client sends to create or change a GitHub trigger. Unset optional fields get their
 * defaults from {@link #withDefaults()}.
 *
 * @param repository            {@code owner/name} of the repository whose issues start sessions
 * @param label                 the label that starts a session when it is added to an issue
 * @param agent                 the agent to run, by id or by name (stored as its id)
 * @param credential            the secret holding a token or GitHub App credentials
 * @param inputTemplate         the session's first message; {@code {title}}, {@code {body}},
 *                              {@code {number}}, {@code {url}}, {@code {repository}}, {@code {checkout}} are replaced
 * @param branchPrefix          the prefix of the branch a pull request is opened from
 * @param ref                   the branch to check out (default: the repository's default branch)
 * @param steeringAssociations  which {@code author_association}s may steer a session by commenting
 * @param disabled              a disabled trigger ignores every delivery
 */
// Read-only fields of GET /v1/github/triggers/{id}, ignored when a client sends them back.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "agentId", "webhookUrl", "createdAt", "updatedAt"})
public record TriggerSpec(String repository, String label, String agent, String credential, String inputTemplate,
        String branchPrefix, String ref, List<String> steeringAssociations, Boolean disabled) {

    static final String DEFAULT_TEMPLATE = """
            GitHub issue #{number} in {repository}: {title}
            {url}

            {body}

            The repository is checked out at {checkout}. Commit your changes there with git, then call \
            open_pull_request.""";
    static final String DEFAULT_BRANCH_PREFIX = "opencomputer/";
    static final List<String> DEFAULT_STEERING = List.of("OWNER", "MEMBER", "COLLABORATOR");

    private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,100}");
    private static final Set<String> ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR",
            "FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER", "MANNEQUIN", "NONE");

    TriggerSpec withDefaults() {
        return new TriggerSpec(repository, label, agent, credential,
                inputTemplate == null || inputTemplate.isBlank() ? DEFAULT_TEMPLATE : inputTemplate,
                branchPrefix == null || branchPrefix.isBlank() ? DEFAULT_BRANCH_PREFIX : branchPrefix,
                ref == null || ref.isBlank() ? null : ref,
                steeringAssociations == null ? DEFAULT_STEERING : steeringAssociations,
                disabled != null && disabled);
    }

    /** This spec, or a validation problem naming every field that is wrong. */
    TriggerSpec validated() {
        List<FieldViolation> violations = new ArrayList<>();
        if (repository == null || !REPOSITORY.matcher(repository).matches()) {
            violations.add(new FieldViolation("repository", "must be owner/name"));
        }
        if (label == null || label.isBlank() || label.length() > 100) {
            violations.add(new FieldViolation("label", "is required: the label's name, at most 100 characters"));
        }
        if (agent == null || agent.isBlank()) {
            violations.add(new FieldViolation("agent", "is required (an agent id or name)"));
        }
        if (credential == null || credential.isBlank()) {
            violations.add(new FieldViolation("credential", "is required: the secret holding the repository token"));
        }
        if (inputTemplate.length() > 8_000) {
            violations.add(new FieldViolation("inputTemplate", "is longer than 8000 characters"));
        }
        if (!REF.matcher(branchPrefix).matches() || branchPrefix.contains("..") || branchPrefix.startsWith("/")) {
            violations.add(new FieldViolation("branchPrefix", "must be 1 to 100 characters of A-Z a-z 0-9 . _ / -"));
        }
        if (ref != null && (!REF.matcher(ref).matches() || ref.contains(".."))) {
            violations.add(new FieldViolation("ref", "must be a branch name"));
        }
        for (String association : steeringAssociations) {
            if (association == null || !ASSOCIATIONS.contains(association)) {
                violations.add(new FieldViolation("steeringAssociations", "must list values of " + ASSOCIATIONS));
                break;
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        return this;
    }
}
