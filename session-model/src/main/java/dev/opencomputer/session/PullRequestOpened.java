package dev.opencomputer.session;

/**
 * The brain pushed {@code branch} (at commit {@code headSha}) of {@code repository} and opened pull
 * request {@code number} ({@code url}) for the session's work. Wire name {@value #TYPE}.
 */
public record PullRequestOpened(
        String repository,
        int number,
        String url,
        String branch,
        String headSha)
        implements SessionEvent {

    public static final String TYPE = "pull_request.opened";

    @Override
    public String type() {
        return TYPE;
    }
}
