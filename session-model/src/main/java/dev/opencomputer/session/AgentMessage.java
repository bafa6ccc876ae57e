package dev.opencomputer.session;

import java.util.ArrayList;
import java.util.List;

/**
 * One complete model response, stored once it has fully arrived: its content blocks in the order
 * the model produced them (text, thinking, tool uses), why it stopped, and what it cost. A stored
 * agent message is never requested from the model again; its {@link ContentBlock.ToolUse} blocks
 * are the tool calls the brain still has to run (see {@link ToolCallStarted}).
 * Wire name {@value #TYPE}.
 */
public record AgentMessage(
        String messageId,
        String model,
        List<ContentBlock> content,
        String stopReason,
        TokenUsage usage)
        implements SessionEvent {

    public static final String TYPE = "agent.message";

    public AgentMessage {
        content = content == null ? List.of() : List.copyOf(content);
        usage = usage == null ? TokenUsage.NONE : usage;
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
