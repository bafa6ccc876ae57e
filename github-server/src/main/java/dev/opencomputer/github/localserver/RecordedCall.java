package dev.opencomputer.github.localserver;

/**
 * One request the local GitHub received. The credential itself is never recorded, only whether it
 * was accepted.
 *
 * @param method     the HTTP method
 * @param path       the path with its query
 * @param authorized whether a credential the server accepts came with it
 * @param body       the body as text (empty for git's binary protocol)
 */
public record RecordedCall(String method, String path, boolean authorized, String body) {
}
