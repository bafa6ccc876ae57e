package dev.opencomputer.brain;

import dev.opencomputer.session.AgentMessage;
import dev.opencomputer.session.ClientToolCalled;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.McpConnected;
import dev.opencomputer.session.McpServerFailed;
import dev.opencomputer.session.PullRequestOpened;
import dev.opencomputer.session.AgentPlan;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SandboxDiskExceeded;
import dev.opencomputer.session.RuntimePrompted;
import dev.opencomputer.session.RuntimeReady;
import dev.opencomputer.session.RuntimeTranscript;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.FileWritten;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PermissionAnswered;
import dev.opencomputer.session.PermissionExpired;
import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.RunStarted;
import dev.opencomputer.session.RunStuck;
import dev.opencomputer.session.BudgetChanged;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetWarning;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.SessionFailed;
import dev.opencomputer.session.SessionHibernated;
import dev.opencomputer.session.SessionIdle;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionWaits;
import dev.opencomputer.session.SessionWoke;
import dev.opencomputer.session.ToolCallFinished;
import dev.opencomputer.session.ToolCallStarted;
import dev.opencomputer.session.ToolCalled;
import dev.opencomputer.session.ToolResult;
import dev.opencomputer.session.UnknownEvent;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.session.WebhookSent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A session's log folded into what the model is sent, following the rules of
 * {@code docs/events.md} ("Rebuilding the conversation"): user messages become user turns, each
 * stored {@code agent.message} an assistant turn (never requested again), and each tool call's
 * end event its result. A user message that arrives while tool calls of the latest response are
 * still open waits until they are all answered, so results always directly follow their calls.
 *
 * <p>It also knows what the run has to do next: run the open calls that never started, answer the
 * ones that started but never ended as interrupted, call the model when the last turn is the
 * user's or a tool result, or end the run when the model ended its turn. Fed in seq order, one
 * event at a time, by one thread.
 */
final class Conversation {

    private static final Logger log = LoggerFactory.getLogger(Conversation.class);
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final List<Turn> turns = new ArrayList<>();
    /** The seq of the event each turn came from, in step with {@link #turns}. */
    private final List<Long> turnSeqs = new ArrayList<>();
    private long lastSeq;
    /** The tool calls of the latest response while any of them has no result, in order; else empty. */
    private List<ContentBlock.ToolUse> openCalls = List.of();
    private final Map<String, ToolCallStarted> started = new HashMap<>();
    private final Map<String, ToolCallFinished> finished = new HashMap<>();
    /** User messages waiting to follow the open calls' results, each with the seq it was stored at. */
    private final List<UserText> deferredUserTexts = new ArrayList<>();
    private String modelOverride;
    private ThinkingLevel thinking = ThinkingLevel.OFF;
    private String mode;
    private Instant runStartedAt;
    private int runSteps;
    private int restartsWithoutProgress;
    private long lastUserMessageSeq;
    private boolean closed;
    private long cancelledSeq;
    private boolean awaitingInput;
    private final java.util.Set<String> cancelledCalls = new java.util.HashSet<>();
    private boolean hibernated;
    private Map<String, String> metadata = Map.of();
    private final SessionWaits waits = new SessionWaits();
    /** An ACP agent's own session id (the last {@code runtime.ready}), null when none ran. */
    private String agentSessionId;
    /** The last user message an ACP agent was sent ({@code runtime.prompted}), 0 when none. */
    private long promptedThroughSeq;
    /** The seq of the last {@code runtime.prompted}, 0 when none. */
    private long promptedSeq;
    /** The seq of the last {@code agent.message}, 0 when none. */
    private long lastAgentMessageSeq;

    /** Folds the next event; events at or before {@link #lastSeq()} are ignored, a gap is a bug. */
    void apply(LoggedEvent logged) {
        if (logged.seq() <= lastSeq) {
            return;
        }
        if (logged.seq() != lastSeq + 1) {
            throw new IllegalStateException("events of " + logged.sessionId() + " folded out of order: "
                    + logged.seq() + " after " + lastSeq);
        }
        lastSeq = logged.seq();
        waits.apply(logged);
        switch (logged.event()) {
            case UserMessage message -> {
                lastUserMessageSeq = logged.seq();
                awaitingInput = false;
                if (!message.text().isBlank()) {
                    if (openCalls.isEmpty()) {
                        add(Turn.user(message.text()));
                    } else {
                        deferredUserTexts.add(new UserText(message.text(), logged.seq()));
                    }
                }
            }
            case AgentMessage message -> {
                lastAgentMessageSeq = logged.seq();
                answerOpenCalls("no result was recorded for this tool call; its outcome is unknown");
                // the user messages this response never saw go after it, also when a resumed run folds the log
                List<UserText> late = takeMessagesAfter(message.inputSeq() == null ? -1 : message.inputSeq());
                add(assistant(message));
                openCalls = message.toolUses();
                if (openCalls.isEmpty()) {
                    late.forEach(text -> add(Turn.user(text.text()), text.seq()));
                } else {
                    deferredUserTexts.addAll(late);
                }
                runSteps++;
                restartsWithoutProgress = 0;
            }
            case CommandRun start -> started.put(start.callId(), start);
            case ToolCalled start -> started.put(start.callId(), start);
            case CommandExited end -> finish(end);
            case ToolResult end -> finish(end);
            case SessionConfigChanged change -> configure(change);
            case RunStarted run -> {
                runStartedAt = logged.time();
                runSteps = 0;
                restartsWithoutProgress = 0;
            }
            case RuntimeRestarted restart -> restartsWithoutProgress++;
            case SessionIdle idle -> restartsWithoutProgress = 0;
            case RunCancelled cancelled -> {
                restartsWithoutProgress = 0;
                cancelledSeq = logged.seq();
                awaitingInput = true;
                pendingCalls().forEach(call -> cancelledCalls.add(call.id()));
            }
            case RunStuck stuck -> restartsWithoutProgress = 0;
            case BudgetExhausted exhausted -> restartsWithoutProgress = 0;
            case BudgetChanged changed -> {
            }
            case BudgetWarning warning -> {
            }
            case SessionFailed failed -> restartsWithoutProgress = 0;
            case SessionClosed close -> closed = true;
            case SessionStarted start -> metadata = start.metadata() == null ? Map.of() : Map.copyOf(start.metadata());
            case FileWritten written -> {
            }
            case RuntimeCrashed crashed -> {
            }
            case SessionHibernated hibernated -> this.hibernated = true;
            case SessionWoke woke -> this.hibernated = false;
            case WebhookSent sent -> {
            }
            case PullRequestOpened opened -> {
            }
            case McpConnected connected -> {
            }
            case McpServerFailed failed -> {
            }
            case PermissionRequested requested -> {
            }
            case PermissionAnswered answered -> restartsWithoutProgress = 0;
            case PermissionExpired expired -> restartsWithoutProgress = 0;
            case ClientToolCalled called -> {
            }
            case RuntimeReady ready -> agentSessionId = ready.agentSessionId();
            case RuntimePrompted prompted -> {
                promptedThroughSeq = Math.max(promptedThroughSeq, prompted.throughSeq());
                promptedSeq = logged.seq();
            }
            case RuntimeTranscript transcript -> {
            }
            case AgentPlan plan -> {
            }
            case NetworkRequest request -> {
            }
            case SandboxDiskExceeded exceeded -> {
            }
            case UnknownEvent unknown -> {
            }
        }
    }

    /** The permission requests and client calls waiting for an answer, and the answers given. */
    SessionWaits waits() {
        return waits;
    }

    private void add(Turn turn) {
        add(turn, lastSeq);
    }

    /** Adds a turn that came from the event at {@code seq} (a user message moved after later events keeps its own). */
    private void add(Turn turn, long seq) {
        turns.add(turn);
        turnSeqs.add(seq);
    }

    /** A user message's text and the seq it was stored at. */
    private record UserText(String text, long seq) {
    }

    /**
     * Removes the user messages a response was not sent (they arrived after {@code horizon}, its
     * {@code inputSeq}) from the end of the conversation, so they can follow the response: the model
     * sees them at the next step, as it would have had they arrived a moment later.
     */
    private List<UserText> takeMessagesAfter(long horizon) {
        List<UserText> late = new ArrayList<>();
        if (horizon < 0) {
            return late;
        }
        while (!turns.isEmpty() && turns.getLast() instanceof Turn.User user && turnSeqs.getLast() > horizon) {
            late.addFirst(new UserText(user.text(), turnSeqs.getLast()));
            turns.removeLast();
            turnSeqs.removeLast();
        }
        return late;
    }

    private void finish(ToolCallFinished end) {
        boolean open = openCalls.stream().anyMatch(call -> call.id().equals(end.callId()));
        if (!open || finished.containsKey(end.callId())) {
            return;
        }
        finished.put(end.callId(), end);
        restartsWithoutProgress = 0;
        if (finished.size() == openCalls.size()) {
            closeOpenCalls();
        }
    }

    /** Answers every open call without a result (only a log written out of order has any) and closes them. */
    private void answerOpenCalls(String why) {
        for (ContentBlock.ToolUse call : openCalls) {
            finished.putIfAbsent(call.id(), new ToolResult(call.id(), call.name(), why, true));
        }
        if (!openCalls.isEmpty()) {
            closeOpenCalls();
        }
    }

    private void closeOpenCalls() {
        for (ContentBlock.ToolUse call : openCalls) {
            ToolCallFinished end = finished.get(call.id());
            add(new Turn.ToolResult(call.id(), end.output(), end.error()));
        }
        openCalls = List.of();
        started.clear();
        finished.clear();
        cancelledCalls.clear();
        for (UserText text : deferredUserTexts) {
            add(Turn.user(text.text()), text.seq());
        }
        deferredUserTexts.clear();
    }

    private void configure(SessionConfigChanged change) {
        if (change.model() != null && !change.model().isBlank()) {
            modelOverride = change.model().strip();
        }
        if (change.mode() != null && !change.mode().isBlank()) {
            mode = change.mode().strip();
        }
        if (change.thoughtLevel() != null) {
            try {
                thinking = ThinkingLevel.parse(change.thoughtLevel().strip().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                log.warn("ignoring an unknown thought level in session.config_changed: {}", change.thoughtLevel());
            }
        }
    }

    /** An ACP agent's own session id, from the last {@code runtime.ready}; null when no agent ran. */
    String agentSessionId() {
        return agentSessionId;
    }

    /**
     * The user messages an ACP agent has not been sent yet, in order: those after the last
     * {@code runtime.prompted}'s {@code throughSeq}.
     */
    List<String> unpromptedUserTexts() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i) instanceof Turn.User user && turnSeqs.get(i) > promptedThroughSeq) {
                texts.add(user.text());
            }
        }
        return texts;
    }

    /** The seq of the latest user message among the conversation's user turns, 0 when none. */
    long lastUserTurnSeq() {
        long last = 0;
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i) instanceof Turn.User) {
                last = Math.max(last, turnSeqs.get(i));
            }
        }
        return last;
    }

    /** Whether an ACP prompt was sent and its turn has not ended with an {@code agent.message}, nor been cancelled. */
    boolean promptCut() {
        return promptedSeq > lastAgentMessageSeq && promptedSeq > cancelledSeq;
    }

    /** The seq of the last {@code run.cancelled}, 0 when none. */
    long cancelledSeq() {
        return cancelledSeq;
    }

    /** Whether a pending call was left without a result by a {@code run.cancelled}: it is answered, never run. */
    boolean cancelled(String callId) {
        return cancelledCalls.contains(callId);
    }

    /** The seq of the last event folded. */
    /** The metadata the session was started with. */
    Map<String, String> metadata() {
        return metadata;
    }

    long lastSeq() {
        return lastSeq;
    }

    /** The turns so far; a valid conversation to send whenever {@link #pendingCalls()} is empty. */
    List<Turn> turns() {
        return List.copyOf(turns);
    }

    /** The calls of the latest response that have no result yet, in order. */
    List<ContentBlock.ToolUse> pendingCalls() {
        return openCalls.stream().filter(call -> !finished.containsKey(call.id())).toList();
    }

    /** The start event of a pending call that started but never ended: it was interrupted. */
    Optional<ToolCallStarted> startOf(String callId) {
        return Optional.ofNullable(started.get(callId));
    }

    /**
     * Whether the model has to be called: every call is answered and the last turn is the user's
     * (input, or steering) or a tool result. False when the model ended its turn, and after a
     * {@code run.cancelled} until the next {@code user.message}.
     */
    boolean needsModel() {
        return !awaitingInput && openCalls.isEmpty() && !turns.isEmpty() && !(turns.getLast() instanceof Turn.Assistant);
    }

    /** The model the next call uses: the live config's override, else {@code agentModel}. */
    String model(String agentModel) {
        return modelOverride != null ? modelOverride : agentModel;
    }

    ThinkingLevel thinking() {
        return thinking;
    }

    /** The live config's mode ({@code plan}, {@code auto}, …), null when never set. */
    String mode() {
        return mode;
    }

    /** When the current run began ({@code run.started}), null when no run ever started. */
    Instant runStartedAt() {
        return runStartedAt;
    }

    /** Model responses stored since the current run began. */
    int runSteps() {
        return runSteps;
    }

    /** {@code runtime.restarted} events since the last sign of progress (a response, a tool result, a run's end). */
    int restartsWithoutProgress() {
        return restartsWithoutProgress;
    }

    /** The seq of the last {@code user.message}, 0 when none. */
    long lastUserMessageSeq() {
        return lastUserMessageSeq;
    }

    /** Whether the session was closed: nothing more may be done in it. */
    /** Whether the session's sandbox was stopped by hibernation and nobody woke it since. */
    boolean hibernated() {
        return hibernated;
    }

    boolean closed() {
        return closed;
    }

    /** A stored response as the assistant turn it was, tool inputs and thinking included. */
    static Turn.Assistant assistant(AgentMessage message) {
        List<ToolCall> calls = new ArrayList<>();
        List<Thinking> thoughts = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            switch (block) {
                case ContentBlock.ToolUse use -> calls.add(new ToolCall(use.id(), use.name(),
                        JSON.writeValueAsString(use.input())));
                case ContentBlock.Thinking t -> thoughts.add(new Thinking(t.thinking(), t.signature(), false));
                case ContentBlock.RedactedThinking t -> thoughts.add(new Thinking(t.data(), "", true));
                case ContentBlock.Text text -> {
                }
            }
        }
        return new Turn.Assistant(message.text(), calls, thoughts);
    }

    /**
     * A model response as the {@code agent.message} that stores it: thinking, text, then tool uses;
     * {@code inputSeq} is the last user turn its request carried ({@link #lastUserTurnSeq()} then).
     */
    static AgentMessage message(ModelResponse response, long inputSeq) {
        List<ContentBlock> content = new ArrayList<>();
        for (Thinking t : response.thinking()) {
            content.add(t.redacted() ? new ContentBlock.RedactedThinking(t.text())
                    : new ContentBlock.Thinking(t.text(), t.signature().isEmpty() ? null : t.signature()));
        }
        if (!response.text().isEmpty()) {
            content.add(new ContentBlock.Text(response.text()));
        }
        for (ToolCall call : response.toolCalls()) {
            content.add(new ContentBlock.ToolUse(call.id(), call.name(), input(call.inputJson())));
        }
        return new AgentMessage(response.id().isEmpty() ? null : response.id(), response.model(), content,
                response.stopReason().name().toLowerCase(Locale.ROOT),
                response.usage().stored(), inputSeq);
    }

    /** A tool input as a JSON object; input that is not one is kept as {@code {"invalid_input": text}}. */
    static Map<String, Object> input(String json) {
        try {
            Map<String, Object> object = JSON.readValue(json, OBJECT);
            if (object != null) {
                return object;
            }
        } catch (JacksonException e) {
            // kept below, so the model sees what it wrote and the error its tool call gets
        }
        return Map.of("invalid_input", json);
    }
}
