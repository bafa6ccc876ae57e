package dev.opencomputer.sdk.sessions;

/** How a message meets a run under way. */
public enum MessageMode {
    /** The default: a running session takes the message in at its next step (steering). */
    QUEUE("queue"),
    /** The step under way is cancelled first ({@code run.cancelled}, then the message, in one append). */
    INTERRUPT("interrupt");

    private final String wireName;

    MessageMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
