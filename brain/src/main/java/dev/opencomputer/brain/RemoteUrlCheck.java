package dev.opencomputer.brain;

import java.net.URI;

/**
 * The SSRF rule for URLs the brain calls on a user's behalf (remote MCP servers): the server checks
 * each with the same guard as webhook endpoints, with a fresh DNS answer, before connecting.
 */
@FunctionalInterface
public interface RemoteUrlCheck {

    /** Refuses every URL: a worker built without a check calls no remote server. */
    RemoteUrlCheck REFUSE_ALL = url -> {
        throw new IllegalArgumentException("remote MCP servers are not enabled on this worker");
    };

    /**
     * Returns when {@code url} may be called.
     *
     * @throws IllegalArgumentException saying why it may not
     */
    void check(URI url);
}
