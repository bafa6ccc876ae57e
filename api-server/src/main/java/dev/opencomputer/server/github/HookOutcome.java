package dev.opencomputer.server.github;

/**
 * What the inbound hook did with a delivery, as its answer's body says.
 *
 * @param delivery  GitHub's {@code X-GitHub-Delivery}
 * @param result    {@code pong}, {@code started}, {@code starting}, {@code steered}, {@code duplicate} or {@code ignored}
 * @param sessionId the session started or steered, when there is one
 * @param reason    why a delivery was ignored, or what the earlier delivery did for a duplicate
 */
public record HookOutcome(String delivery, String result, String sessionId, String reason) {

    static HookOutcome ignored(String delivery, String reason) {
        return new HookOutcome(delivery, "ignored", null, reason);
    }
}
