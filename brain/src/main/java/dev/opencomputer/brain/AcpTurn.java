package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.AgentMessageDelta;
import dev.opencomputer.session.AgentPlan;
import dev.opencomputer.session.AgentThinkingDelta;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.TokenUsage;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * One prompt turn of an ACP agent told as our events, update by update on the run's thread: message
 * and thought chunks are streamed as {@code agent.delta} / {@code agent.thinking_delta} and gathered
 * for the turn's {@code agent.message}; a tool call becomes {@code command.run} / {@code command.exited}
 * (kind {@code execute}) or {@code tool.call} / {@code tool.result}, with {@code file.write} for an
 * {@code edit} with locations; a {@code plan} becomes {@code agent.plan}. Every append carries the raw
 * ACP messages since the last one ({@link AcpTranscript}).
 */
final class AcpTurn {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** What is known of one tool call so far. */
    private static final class Call {
        String name;
        String kind = "other";
        String title;
        Map<String, Object> input = Map.of();
        String path;
        long bytes = -1;
        boolean started;
        long startedAt;
    }

    private final RunLog runLog;
    private final SessionSetup setup;
    private final AcpTranscript transcript;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder thinking = new StringBuilder();
    private final Map<String, Call> calls = new HashMap<>();
    private boolean toolSinceText;

    AcpTurn(RunLog runLog, SessionSetup setup, AcpTranscript transcript) {
        this.runLog = runLog;
        this.setup = setup;
        this.transcript = transcript;
    }

    /** One {@code session/update}'s {@code update}. */
    void update(JsonNode update) {
        String kind = update.path("sessionUpdate").asString("");
        switch (kind) {
            case "agent_message_chunk" -> chunk(update.path("content"), false);
            case "agent_thought_chunk" -> chunk(update.path("content"), true);
            case "tool_call", "tool_call_update" -> toolCall(update);
            case "plan" -> plan(update.path("entries"));
            default -> {
                // commands, modes, usage: kept in the transcript only
            }
        }
    }

    /** The tool name the agent gave the call {@code id} in its updates so far, null when none. */
    String toolName(String id) {
        Call call = calls.get(id);
        return call == null ? null : call.name;
    }

    /**
     * The turn's {@code agent.message}: its text, the tokens the gateway counted for it, and the
     * last user message the prompt carried ({@code inputSeq}).
     */
    AgentMessage message(String model, String stopReason, TokenUsage usage, long inputSeq) {
        List<ContentBlock> content = new ArrayList<>();
        if (!thinking.isEmpty()) {
            content.add(new ContentBlock.Thinking(thinking.toString(), null));
        }
        content.add(new ContentBlock.Text(text.toString()));
        return new AgentMessage(null, model, content, stopReason, usage, inputSeq);
    }

    /** Appends {@code events} with the transcript so far. */
    void append(SessionEvent... events) {
        List<SessionEvent> all = new ArrayList<>();
        transcript.drain().ifPresent(all::add);
        all.addAll(List.of(events));
        if (!all.isEmpty()) {
            runLog.append(all.toArray(SessionEvent[]::new));
        }
    }

    private void chunk(JsonNode content, boolean thought) {
        if (!"text".equals(content.path("type").asString("")) || content.path("text").asString("").isEmpty()) {
            return;
        }
        String piece = content.path("text").asString();
        if (thought) {
            thinking.append(piece);
            runLog.publish(new AgentThinkingDelta(piece));
            return;
        }
        if (toolSinceText && !text.isEmpty()) {
            text.append("\n\n");
        }
        toolSinceText = false;
        text.append(piece);
        runLog.publish(new AgentMessageDelta(piece));
    }

    private void toolCall(JsonNode update) {
        String id = update.path("toolCallId").asString("");
        if (id.isEmpty()) {
            return;
        }
        toolSinceText = true;
        Call call = calls.computeIfAbsent(id, k -> new Call());
        String name = update.path("_meta").path("claudeCode").path("toolName").asString(null);
        if (name != null) {
            call.name = name;
        }
        if (update.hasNonNull("kind")) {
            call.kind = update.path("kind").asString();
        }
        if (update.hasNonNull("title")) {
            call.title = update.path("title").asString();
        }
        JsonNode rawInput = update.path("rawInput");
        if (rawInput.isObject() && !rawInput.isEmpty()) {
            call.input = AcpConnection.JSON.convertValue(rawInput, OBJECT);
        }
        JsonNode locations = update.path("locations");
        if (locations.isArray() && !locations.isEmpty()) {
            call.path = locations.get(0).path("path").asString(null);
        }
        for (JsonNode item : update.path("content")) {
            if ("diff".equals(item.path("type").asString("")) && item.path("newText").isString()) {
                call.path = item.path("path").asString(call.path);
                call.bytes = item.path("newText").asString().getBytes(StandardCharsets.UTF_8).length;
            }
        }
        String status = update.path("status").asString("");
        boolean ended = status.equals("completed") || status.equals("failed");
        if (!call.started && (!call.input.isEmpty() || ended || status.equals("in_progress"))) {
            start(id, call);
        }
        if (ended) {
            end(id, call, status.equals("failed"), output(update));
            calls.remove(id);
        }
    }

    private void start(String id, Call call) {
        call.started = true;
        call.startedAt = System.nanoTime();
        if (call.kind.equals("execute")) {
            Object command = call.input.get("command");
            append(new CommandRun(id, command instanceof String c ? c : String.valueOf(call.title), setup.cwd()));
        } else {
            append(new ToolCalled(id, name(call), call.input));
        }
    }

    private void end(String id, Call call, boolean failed, String output) {
        if (call.kind.equals("execute")) {
            append(new CommandExited(id, failed ? 1 : 0, output, false,
                    (System.nanoTime() - call.startedAt) / 1_000_000));
            return;
        }
        ToolResult result = new ToolResult(id, name(call), output, failed);
        if (call.kind.equals("edit") && call.path != null && !failed) {
            append(new FileWritten(id, call.path, Math.max(0, call.bytes)), result);
        } else {
            append(result);
        }
    }

    private static String name(Call call) {
        return call.name != null ? call.name : call.title != null ? call.title : call.kind;
    }

    private static String output(JsonNode update) {
        JsonNode raw = update.path("rawOutput");
        if (raw.isString()) {
            return raw.asString();
        }
        if (!raw.isMissingNode() && !raw.isNull()) {
            return raw.toString();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode item : update.path("content")) {
            JsonNode inner = item.path("content");
            if (inner.path("text").isString()) {
                text.append(inner.path("text").asString());
            }
        }
        return text.toString();
    }

    private void plan(JsonNode entries) {
        List<AgentPlan.Entry> plan = new ArrayList<>();
        for (JsonNode entry : entries) {
            plan.add(new AgentPlan.Entry(entry.path("content").asString(""), entry.path("priority").asString(null),
                    entry.path("status").asString(null)));
        }
        append(new AgentPlan(plan));
    }
}
