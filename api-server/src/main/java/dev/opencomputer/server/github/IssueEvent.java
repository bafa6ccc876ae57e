package dev.opencomputer.server.github;

import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The parts of an {@code issues} or {@code issue_comment} payload a trigger uses, read defensively:
 * a field that is missing or of an unexpected type is simply absent, never an error.
 */
record IssueEvent(String action, String repository, long number, String title, String body, String url,
        String label, String commentBody, String commenter, String commenterType, String association) {

    /** The event, when the payload has at least an action, a repository and an issue number. */
    static Optional<IssueEvent> of(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            return Optional.empty();
        }
        String action = text(payload, "action");
        String repository = text(payload.get("repository"), "full_name");
        JsonNode issue = payload.get("issue");
        JsonNode number = issue == null ? null : issue.get("number");
        if (action == null || repository == null || number == null || !number.isIntegralNumber()
                || number.asLong() <= 0) {
            return Optional.empty();
        }
        JsonNode comment = payload.get("comment");
        JsonNode user = comment == null ? null : comment.get("user");
        return Optional.of(new IssueEvent(action, repository, number.asLong(), orEmpty(text(issue, "title")),
                orEmpty(text(issue, "body")), orEmpty(text(issue, "html_url")), text(payload.get("label"), "name"),
                text(comment, "body"), text(user, "login"), text(user, "type"), text(comment, "author_association")));
    }

    private static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
