package dev.opencomputer.server.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputTemplateTest {

    private static IssueEvent issue(String title, String body) {
        return new IssueEvent("labeled", "acme/app", 42, title, body, "https://github.com/acme/app/issues/42",
                "agent", null, null, null, null);
    }

    @Test
    void theDefaultTemplateNamesTheIssueAndCarriesItsBody() {
        assertThat(InputTemplate.render(TriggerSpec.DEFAULT_TEMPLATE, issue("Fix the typo", "In README.")))
                .isEqualTo("GitHub issue #42 in acme/app: Fix the typo\nhttps://github.com/acme/app/issues/42\n\nIn README."
                        + "\n\nThe repository is checked out at /workspace/app. Commit your changes there with git, "
                        + "then call open_pull_request.");
    }

    @Test
    void placeholdersInTheIssuesOwnTextAreNotExpanded() {
        assertThat(InputTemplate.render("{title} / {body}", issue("a {body} b", "{title} $1 \\")))
                .isEqualTo("a {body} b / {title} $1 \\");
    }

    @Test
    void anOverlongBodyIsClipped() {
        String rendered = InputTemplate.render("{body}", issue("t", "x".repeat(InputTemplate.MAX_FIELD + 10)));
        assertThat(rendered).hasSize(InputTemplate.MAX_FIELD + "\n…(truncated)".length()).endsWith("(truncated)");
    }
}
