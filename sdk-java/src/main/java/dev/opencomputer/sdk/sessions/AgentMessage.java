package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.List;

/**
 * {@code agent.message}: One complete model response (its pieces were streamed before as {@link AgentDelta}s).
 *
 * @param seq       its position in the session's log
 * @param sessionId the session
 * @param time      when it happened
 * @param messageId the provider's message id, if any
 * @param model the model that answered
 * @param content the response block by block, in order
 * @param stopReason why the model stopped
 * @param usage the tokens the response cost
 * @param inputSeq the seq of the last {@code user.message} the model was sent for this response (a
 *                 message with a higher seq was not seen by it and gets an answer of its own); null
 *                 from servers and logs before it existed
 */
public record AgentMessage(long seq, String sessionId, Instant time, String messageId, String model,
        List<ContentBlock> content, String stopReason, TokenUsage usage, Long inputSeq)
        implements StoredEvent {

    public static final String TYPE = "agent.message";

    public AgentMessage {
        content = content == null ? List.of() : List.copyOf(content);
    }

    /** A response as servers before {@code inputSeq} sent it. */
    public AgentMessage(long seq, String sessionId, Instant time, String messageId, String model,
            List<ContentBlock> content, String stopReason, TokenUsage usage) {
        this(seq, sessionId, time, messageId, model, content, stopReason, usage, null);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** The text blocks of the response joined together ("" when it has none). */
    public String text() {
        var text = new StringBuilder();
        for (ContentBlock block : content) {
            if (block instanceof ContentBlock.Text t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }

    /** The tool calls the model asked for, in order. */
    public List<ContentBlock.ToolUse> toolUses() {
        return content.stream().filter(ContentBlock.ToolUse.class::isInstance).map(ContentBlock.ToolUse.class::cast)
                .toList();
    }
}
