package dev.opencomputer.brain;

import dev.opencomputer.session.PermissionRequested;
import dev.opencomputer.session.SessionWaits;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The one permission decision of every runtime: given a tool call (its id, the tool's name, its
 * input), whether it runs now, never runs, or waits for a person — and, once the person answered
 * (durably, in the log), what they said.
 *
 * <p>Usage, for any runtime (the native tool loop; an ACP runtime's {@code session/request_permission}
 * maps onto the same calls):
 * <ol>
 *   <li>Before anything of a call runs, {@link #check} it.
 *   <li>{@link Verdict.Allow}: run it. {@link Verdict.Deny}: do not run it; answer the model (or the
 *       agent process) with {@link Verdict.Deny#message()} as the call's error result.
 *   <li>{@link Verdict.Wait}: append {@link Verdict.Wait#request()} — it makes the session
 *       {@code waiting} — and end the run there (return it from {@link AgentRuntime#step} as the
 *       run's ending event). No worker holds a waiting session; the answer
 *       ({@code permission.answered} / {@code permission.expired}, appended by the API or its expiry
 *       sweeper) makes it {@code pending}, and the run that claims it next folds the log and calls
 *       {@link #check} again for the same call, which then answers Allow or Deny.
 * </ol>
 * A request already pending for the call (the run was claimed between its request and the
 * answer, which only races make possible) is answered as {@code Wait} with that same request, so
 * the person is never asked twice and the request id stays the one the API lists.
 *
 * <p>{@code check} reads only the policy and the folded log: it appends nothing, is cheap, and is
 * safe to call again after any crash. Public so that a runtime outside this package (ACP) can use
 * it; {@code waits} is the run's {@code Conversation.waits()} (or any fold of the session's log into
 * a {@link SessionWaits}). One instance per run, on the run's thread.
 */
public final class PermissionGate {

    /** What to do with a call. */
    public sealed interface Verdict {
        /** Run the call now. */
        record Allow() implements Verdict {
        }

        /** Do not run the call; {@code message} is its error result. */
        record Deny(String message) implements Verdict {
        }

        /** Append {@code request} and end the run until the answer arrives. */
        record Wait(PermissionRequested request) implements Verdict {
        }
    }

    private final PermissionPolicy policy;
    private final Supplier<SessionWaits> waits;
    private final Clock clock;
    private final RandomGenerator random;

    /**
     * @param policy the session's policy
     * @param waits  the session's waits, folded from its log up to now (read at every check)
     */
    public PermissionGate(PermissionPolicy policy, Supplier<SessionWaits> waits, Clock clock, RandomGenerator random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.waits = Objects.requireNonNull(waits, "waits");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Decides the call {@code callId} of {@code tool} with {@code input}; see the class comment. */
    public Verdict check(String callId, String tool, Map<String, Object> input) {
        PermissionPolicy.Rule rule = policy.decide(tool);
        if (rule == PermissionPolicy.Rule.ALLOW) {
            return new Verdict.Allow();
        }
        if (rule == PermissionPolicy.Rule.DENY) {
            return new Verdict.Deny("the permission policy of this session denies " + tool + "; do not call it again");
        }
        SessionWaits folded = waits.get();
        var answer = folded.answerOf(callId);
        if (answer.isPresent()) {
            SessionWaits.Answer a = answer.get();
            if (a.allowed()) {
                return new Verdict.Allow();
            }
            if (a.expired()) {
                return new Verdict.Deny("the request to run " + tool + " was not answered in time and is denied");
            }
            return new Verdict.Deny(a.message() == null || a.message().isBlank()
                    ? "the user denied running " + tool : "the user denied running " + tool + ": " + a.message());
        }
        var pending = folded.approvalOf(callId);
        if (pending.isPresent()) {
            return new Verdict.Wait(pending.get().request());
        }
        return new Verdict.Wait(new PermissionRequested(newRequestId(), callId, tool, input,
                policy.timeout() == null ? null : clock.instant().plus(policy.timeout())));
    }

    private String newRequestId() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return "perm_" + HexFormat.of().formatHex(bytes);
    }
}
