package dev.opencomputer.sdk.github;

import java.util.List;

/**
 * Body of {@link GithubTriggers#update}: the fields to change; null fields stay as they are and
 * are not sent.
 */
public record GithubTriggerChange(String repository, String label, String agent, String credential,
        String inputTemplate, String branchPrefix, String ref, List<String> steeringAssociations, Boolean disabled) {

    public GithubTriggerChange {
        steeringAssociations = steeringAssociations == null ? null : List.copyOf(steeringAssociations);
    }

    /** Switches the trigger off ({@code true}) or on again. */
    public static GithubTriggerChange disabled(boolean disabled) {
        return new GithubTriggerChange(null, null, null, null, null, null, null, null, disabled);
    }

    /** Changes only the label. */
    public static GithubTriggerChange label(String label) {
        return new GithubTriggerChange(null, label, null, null, null, null, null, null, null);
    }
}
