package dev.opencomputer.github;

/**
 * GitHub refused or failed a call. The message is safe to show to a model or a user: it names the
 * call and GitHub's status and message, never a credential.
 */
public class GithubException extends RuntimeException {

    private final int status;

    public GithubException(String message, int status) {
        super(message);
        this.status = status;
    }

    public GithubException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    /** GitHub's HTTP status, 0 when the call did not get an answer. */
    public int status() {
        return status;
    }
}
