package dev.opencomputer.sdk.sessions;

import java.time.Instant;

/**
 * {@code pull_request.opened}: the session's work was pushed and a pull request opened.
 *
 * @param seq        its position in the session's log
 * @param sessionId  the session
 * @param time       when it happened
 * @param repository {@code owner/name}
 * @param number     the pull request's number
 * @param url        the pull request's page
 * @param branch     the branch it was opened from
 * @param headSha    the commit that branch was pushed at
 */
public record PullRequestOpened(long seq, String sessionId, Instant time, String repository, int number, String url,
        String branch, String headSha)
        implements StoredEvent {

    public static final String TYPE = "pull_request.opened";

    @Override
    public String type() {
        return TYPE;
    }
}
