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
    private final Map<String, Call> calls = new LinkedHashMap<>();
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

    /** The name of the call {@code id} by its updates so far ({@link #toolName(String, String, String)}), null when unknown. */
    String toolName(String id) {
        Call call = calls.get(id);
        return call == null ? null : name(call);
    }

    /**
     * What a tool call is named in our events and for the permission policy: the agent's own tool name
     * when it gives one (the Claude agent's {@code _meta.claudeCode.toolName}: {@code Write}, {@code Bash},
     * …); else the call's ACP kind ({@code edit}, {@code execute}, {@code read}, …: codex names no tools,
     * and its titles carry paths and command lines); else, for kind {@code other}, its title.
     */
    static String toolName(String agentName, String kind, String title) {
        if (agentName != null) {
            return agentName;
        }
        if (kind != null && !kind.isEmpty() && !kind.equals("other")) {
            return kind;
        }
        return title != null ? title : kind == null || kind.isEmpty() ? "tool" : kind;
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

    /**
     * Error results for the calls the agent started but never ended before it answered the prompt (codex,
     * told "abort" for an edit the policy denied, ends its turn without a last update of the call), so
     * the log holds no started call without a result, which would read as interrupted by a crash.
     */
    List<SessionEvent> unfinished(String stopReason) {
        List<SessionEvent> results = new ArrayList<>();
        calls.forEach((id, call) -> {
            if (call.started) {
                results.add(new ToolResult(id, name(call), "not completed: the agent ended its turn (" + stopReason
                        + ") before the call finished", true));
            }
        });
        calls.clear();
        return results;
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
            end(id, call, status.equals("failed"), output(update), exitCode(update));
            calls.remove(id);
        }
    }

    private void start(String id, Call call) {
        call.started = true;
        call.startedAt = System.nanoTime();
        if (call.kind.equals("execute")) {
            append(new CommandRun(id, command(call.input, call.title), setup.cwd()));
        } else {
            append(new ToolCalled(id, name(call), call.input));
        }
    }

    private void end(String id, Call call, boolean failed, String output, Integer exitCode) {
        if (call.kind.equals("execute")) {
            append(new CommandExited(id, exitCode != null ? exitCode : failed ? 1 : 0, output, false,
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
        return toolName(call.name, call.kind, call.title);
    }

    /**
     * The command line of an {@code execute} call: its input's {@code command} — a string (the Claude
     * agent), or an argument vector (codex: {@code ["/bin/bash", "-lc", "…"]}, whose script is the
     * command) — else the call's title.
     */
    static String command(Map<String, Object> input, String title) {
        Object command = input.get("command");
        if (command instanceof String text) {
            return text;
        }
        if (command instanceof List<?> argv && !argv.isEmpty() && argv.stream().allMatch(String.class::isInstance)) {
            int n = argv.size();
            if (n >= 3 && List.of("-c", "-lc", "-ic").contains(argv.get(n - 2))) {
                return (String) argv.get(n - 1);
            }
            return String.join(" ", argv.stream().map(String.class::cast).toList());
        }
        return String.valueOf(title);
    }

    /** The exit code an ended call reports in its {@code rawOutput} ({@code exit_code}: codex), null when none. */
    static Integer exitCode(JsonNode update) {
        JsonNode code = update.path("rawOutput").path("exit_code");
        return code.isIntegralNumber() ? code.asInt() : null;
    }

    /**
     * What an ended call answered: its {@code rawOutput} — a string, or, as codex reports a command, an
     * object whose {@code formatted_output} / {@code aggregated_output} / {@code stdout} is the text
     * (else its JSON) — else the text of its {@code content}.
     */
    static String output(JsonNode update) {
        JsonNode raw = update.path("rawOutput");
        if (raw.isString()) {
            return raw.asString();
        }
        if (raw.isObject()) {
            for (String field : List.of("formatted_output", "aggregated_output", "stdout")) {
                if (raw.path(field).isString()) {
                    return raw.path(field).asString();
                }
            }
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
