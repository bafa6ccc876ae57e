package dev.opencomputer.server.github;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a session's first message from a trigger's template and the labelled issue, in one pass:
 * a placeholder inside the issue's own text stays as written.
 */
final class InputTemplate {

    /** Leaves room under the sessions' message limit for the template's own text. */
    static final int MAX_FIELD = 60_000;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(title|number|url|repository|checkout|body)}");

    private InputTemplate() {
    }

    static String render(String template, IssueEvent issue) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = switch (matcher.group(1)) {
                case "title" -> clip(issue.title());
                case "number" -> Long.toString(issue.number());
                case "url" -> clip(issue.url());
                case "repository" -> issue.repository();
                case "checkout" -> "/workspace/" + issue.repository().substring(issue.repository().indexOf('/') + 1);
                default -> clip(issue.body());
            };
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString().strip();
    }

    private static String clip(String value) {
        return value.length() <= MAX_FIELD ? value : value.substring(0, MAX_FIELD) + "\n…(truncated)";
    }
}
