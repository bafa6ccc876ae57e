package dev.opencomputer.session;

import java.util.ArrayList;
import java.util.List;

/**
 * One complete model response, stored once it has fully arrived: its content blocks in the order
 * the model produced them (text, thinking, tool uses), why it stopped, and what it cost. A stored
 * agent message is never requested from the model again; its {@link ContentBlock.ToolUse} blocks
 * are the tool calls the brain still has to run (see {@link ToolCallStarted}).
 * Wire name {@value #TYPE}.
 *
 * @param inputSeq the seq of the last {@code user.message} the model was sent for this response
 *                 (the last input folded when the call started), 0 for none; null in logs written
 *                 before it existed. A user message with a higher seq was not seen by this response,
 *                 even when it is stored before it, so it still has to be answered.
 */
public record AgentMessage(
        String messageId,
        String model,
        List<ContentBlock> content,
        String stopReason,
        TokenUsage usage,
        Long inputSeq)
        implements SessionEvent {

    public static final String TYPE = "agent.message";

    public AgentMessage {
        content = content == null ? List.of() : List.copyOf(content);
        usage = usage == null ? TokenUsage.NONE : usage;
    }

    /** A response without the seq of the input it answered (as logs written before it stored them). */
    public AgentMessage(String messageId, String model, List<ContentBlock> content, String stopReason,
            TokenUsage usage) {
        this(messageId, model, content, stopReason, usage, null);
    }

    /** The text blocks joined, without thinking or tool uses. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (ContentBlock block : content) {
            if (block instanceof ContentBlock.Text t) {
                text.append(t.text());
            }
        }
        return text.toString();
    }

    /** The tool calls this response asks for, in order. */
    public List<ContentBlock.ToolUse> toolUses() {
        List<ContentBlock.ToolUse> uses = new ArrayList<>();
        for (ContentBlock block : content) {
            if (block instanceof ContentBlock.ToolUse use) {
                uses.add(use);
            }
        }
        return uses;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
