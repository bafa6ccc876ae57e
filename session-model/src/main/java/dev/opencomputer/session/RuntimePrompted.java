package dev.opencomputer.session;

/**
 * The brain sent the ACP agent a prompt ({@code session/prompt}) carrying the user messages up to
 * {@code throughSeq}, or, when {@code continuation} is set, the note that its turn had been cut by a
 * restart. Stored before the prompt is sent, so that a run resumed after a crash never sends the same
 * messages again. Wire name {@value #TYPE}.
 */
public record RuntimePrompted(String agentSessionId, long throughSeq, boolean continuation) implements SessionEvent {

    public static final String TYPE = "runtime.prompted";

    @Override
    public String type() {
        return TYPE;
    }
}
