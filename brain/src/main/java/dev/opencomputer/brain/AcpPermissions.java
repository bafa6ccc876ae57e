package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.session.PermissionRequested;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * An ACP agent's {@code session/request_permission}s through the session's {@link PermissionGate},
 * the same decision as for a native tool call: the ACP tool call id is the call id, the tool's name
 * (Claude Code's {@code Write}, {@code Bash}, …) and its raw input are what the policy sees. An
 * allowed call gets the agent's "allow once" option (else "allow always"), a denied one its "reject
 * once" (else "reject always", else the {@code cancelled} outcome). A call the policy asks a person
 * about waits — the agent's process stays up, its request unanswered — until the log has the answer
 * ({@link #recheck()}); a stop answers every open request {@code cancelled}, as ACP requires.
 *
 * <p>{@link #register} and {@link #cancelAll} are thread-safe (the agent's requests arrive on
 * threads of their own); the rest runs on the run's thread.
 */
final class AcpPermissions {

    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    /** One permission request of the agent; the agent's thread waits for {@code reply}. */
    record Ask(String callId, String title, Map<String, Object> input, JsonNode options,
            CompletableFuture<JsonNode> reply) {

        /** The request's {@code params}, as the agent sent them. */
        static Ask of(JsonNode params) {
            JsonNode call = params.path("toolCall");
            JsonNode raw = call.path("rawInput");
            Map<String, Object> input = raw.isObject() ? AcpConnection.JSON.convertValue(raw, OBJECT) : Map.of();
            String title = AcpTurn.toolName(call.path("_meta").path("claudeCode").path("toolName").asString(null),
                    call.path("kind").asString(null), call.path("title").asString(null));
            return new Ask(call.path("toolCallId").asString(""), title, input, params.path("options"),
                    new CompletableFuture<>());
        }
    }

    private final PermissionGate gate;
    private final Set<Ask> open = ConcurrentHashMap.newKeySet();
    private final List<Waiting> waiting = new ArrayList<>();

    private record Waiting(Ask ask, String tool) {
    }

    AcpPermissions(PermissionGate gate) {
        this.gate = gate;
    }

    /** The agent asked: {@code ask} is open until answered or cancelled. */
    void register(Ask ask) {
        open.add(ask);
        ask.reply().whenComplete((reply, failure) -> open.remove(ask));
    }

    /**
     * Decides {@code ask} of {@code tool}: answered at once when the policy allows or denies it, else
     * the request to append (the call waits for a person, {@link #waiting()}).
     */
    Optional<PermissionRequested> decide(Ask ask, String tool) {
        PermissionGate.Verdict verdict = gate.check(ask.callId(), tool, ask.input());
        if (verdict instanceof PermissionGate.Verdict.Wait wait) {
            waiting.add(new Waiting(ask, tool));
            return Optional.of(wait.request());
        }
        answer(ask, verdict);
        return Optional.empty();
    }

    /** Whether a request waits for a person's answer. */
    boolean waiting() {
        return !waiting.isEmpty();
    }

    /** Answers each waiting request the log (folded up to now) has an answer for; true when none waits any more. */
    boolean recheck() {
        waiting.removeIf(w -> {
            PermissionGate.Verdict verdict = gate.check(w.ask().callId(), w.tool(), w.ask().input());
            if (verdict instanceof PermissionGate.Verdict.Wait) {
                return false;
            }
            answer(w.ask(), verdict);
            return true;
        });
        return waiting.isEmpty();
    }

    /** Answers {@code ask} with the agent's reject option, whatever the policy says. */
    void reject(Ask ask) {
        answer(ask, new PermissionGate.Verdict.Deny("rejected"));
    }

    /** Answers every open request {@code cancelled} (a stop, the process going away). */
    void cancelAll() {
        waiting.clear();
        for (Ask ask : List.copyOf(open)) {
            ask.reply().complete(outcome(null));
        }
    }

    private static void answer(Ask ask, PermissionGate.Verdict verdict) {
        String option = verdict instanceof PermissionGate.Verdict.Allow
                ? option(ask.options(), "allow_once", "allow_always")
                : option(ask.options(), "reject_once", "reject_always");
        ask.reply().complete(outcome(option));
    }

    private static String option(JsonNode options, String... kinds) {
        for (String kind : kinds) {
            for (JsonNode option : options) {
                if (kind.equals(option.path("kind").asString(""))) {
                    return option.path("optionId").asString();
                }
            }
        }
        return null;
    }

    /** The {@code selected} outcome of {@code optionId}, or {@code cancelled} when null. */
    static JsonNode outcome(String optionId) {
        return AcpConnection.JSON.valueToTree(Map.of("outcome", optionId == null ? Map.of("outcome", "cancelled")
                : Map.of("outcome", "selected", "optionId", optionId)));
    }
}
