package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetKind;
import dev.opencomputer.session.BudgetLedger;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.BudgetWarning;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.ModelPrice;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.Spend;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The spend check of one session, the same wherever a model call is made: before the call
 * ({@link #refuses}: the call that would certainly cross a limit is not made) and after each
 * response ({@link #due}: a {@code budget.warning} once per kind at 80 %, a {@code budget.exhausted}
 * once a limit is reached). The figures are a {@link BudgetLedger} fold of the session's log, so the
 * spend survives crashes: a resumed run, or another process, folds the same events.
 *
 * <p>How a caller uses it — the native runtime ({@link SessionRun}, {@link ModelStep}) does exactly
 * this, and a model gateway serving an ACP agent does the same per upstream call:
 * <ol>
 *   <li>{@link #load} the session's budget (its events of {@link BudgetLedger#RELEVANT} types), or
 *       create one and {@link #apply} every event of the log in seq order; keep applying what is
 *       appended later (the caller's own appends included).
 *   <li>Before a model call: {@code refuses(model, estimatedInputTokens, now)}; when present, append
 *       the {@code budget.exhausted} instead of calling, and stop the run as for a cancel.
 *   <li>After the response: append its usage to the log (the {@code agent.message} carrying it),
 *       apply it here, then append whatever {@code due(now)} answers; a {@code budget.exhausted}
 *       among it (always last) means the run stops there, open calls answered.
 * </ol>
 * The check never appends itself, so the caller's fencing (the lease's token) covers every budget
 * event. Not thread-safe: one instance per session and run (or per gateway session, under a lock).
 */
public final class Budget {

    /** The share of a limit at which a warning is given. */
    public static final BigDecimal WARNING_SHARE = new BigDecimal("0.8");

    private final BudgetLimits agent;
    private final PriceTable prices;
    private final BudgetLedger ledger;

    /**
     * @param agent  the agent version's limits ({@link AgentSetup#budget()}); the session's own
     *               ({@code session.budget_changed}) replace them kind by kind
     * @param prices the price table, for dollars
     */
    public Budget(BudgetLimits agent, PriceTable prices) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.prices = Objects.requireNonNull(prices, "prices");
        this.ledger = new BudgetLedger(prices);
    }

    /** The budget of {@code session}, its figures read from the log. */
    public static Budget load(EventLog log, SessionId session, BudgetLimits agent, PriceTable prices) {
        Budget budget = new Budget(agent, prices);
        log.readOfTypes(session, BudgetLedger.RELEVANT).forEach(budget::apply);
        return budget;
    }

    /** Folds the next event of the session's log (any type; those that do not count are skipped). */
    public void apply(LoggedEvent event) {
        ledger.apply(event);
    }

    /** The limits in force: the session's own where set, else the agent version's. */
    public BudgetLimits limits() {
        return ledger.limits(agent);
    }

    /** What the session spent, a run in progress counting until {@code now}. */
    public Spend spend(Instant now) {
        return ledger.spend(now);
    }

    /**
     * Whether a call to {@code model} with about {@code estimatedInputTokens} of input must not be
     * made: the limit is reached already, or the input alone (tokens, or its dollars at the model's
     * input price) would cross it. The answer is the {@code budget.exhausted} to append, its
     * {@code used} including the estimate; empty when the call may go ahead.
     */
    public Optional<BudgetExhausted> refuses(String model, long estimatedInputTokens, Instant now) {
        return refuses(model, estimatedInputTokens, dev.opencomputer.session.TokenUsage.NONE, now);
    }

    /**
     * {@link #refuses(String, long, Instant)} with {@code uncounted} usage of {@code model} on top of
     * the log's: what a model gateway counted for the session's turn under way, which reaches the log
     * only with the turn's {@code agent.message}.
     */
    public Optional<BudgetExhausted> refuses(String model, long estimatedInputTokens,
            dev.opencomputer.session.TokenUsage uncounted, Instant now) {
        BudgetLimits limits = limits();
        Spend logged = ledger.spend(now);
        Optional<ModelPrice> price = prices.price(model);
        Spend spend = new Spend(logged.tokens() + Spend.tokens(uncounted),
                logged.costUsd().add(price.map(p -> p.cost(uncounted)).orElse(BigDecimal.ZERO)),
                logged.runTimeMillis(), logged.unpricedCalls());
        BigDecimal estimateCost = price.map(p -> inputCost(p, estimatedInputTokens)).orElse(BigDecimal.ZERO);
        for (BudgetKind kind : BudgetKind.values()) {
            Optional<BigDecimal> limit = limits.limit(kind);
            if (limit.isEmpty()) {
                continue;
            }
            BigDecimal used = spend.used(kind);
            BigDecimal after = switch (kind) {
                case TOKENS -> used.add(BigDecimal.valueOf(estimatedInputTokens));
                case COST_USD -> used.add(estimateCost);
                case RUN_TIME -> used;
            };
            if (used.compareTo(limit.get()) >= 0 || after.compareTo(limit.get()) > 0) {
                return Optional.of(new BudgetExhausted(kind.wireName(), Spend.plain(after), limit.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * The budget events due now, in order: a {@code budget.warning} for each kind at 80 % or more
     * of its limit that was not warned of for that limit yet, then a {@code budget.exhausted} for
     * the first kind whose limit is reached — unless the log says it is exhausted already. Empty
     * when nothing is due. Answering the same again is avoided by applying what was appended.
     */
    public List<SessionEvent> due(Instant now) {
        List<SessionEvent> due = new ArrayList<>();
        if (ledger.exhausted().isPresent()) {
            return due;
        }
        BudgetLimits limits = limits();
        Spend spend = ledger.spend(now);
        BudgetExhausted exhausted = null;
        for (BudgetKind kind : BudgetKind.values()) {
            Optional<BigDecimal> limit = limits.limit(kind);
            if (limit.isEmpty()) {
                continue;
            }
            BigDecimal used = spend.used(kind);
            if (!ledger.warned(kind, limit.get()) && used.compareTo(limit.get().multiply(WARNING_SHARE)) >= 0) {
                due.add(new BudgetWarning(kind.wireName(), used, limit.get()));
            }
            if (exhausted == null && used.compareTo(limit.get()) >= 0) {
                exhausted = new BudgetExhausted(kind.wireName(), used, limit.get());
            }
        }
        if (exhausted != null) {
            due.add(exhausted);
        }
        return due;
    }

    /**
     * When the run-time budget runs out if the run in progress goes on without a break: {@code now}
     * plus what is left of it. Empty without a run-time limit or a run in progress. For a watchdog
     * that stops a run while it waits (a command, a model call).
     */
    public Optional<Instant> runTimeDeadline(Instant now) {
        Optional<BigDecimal> limit = limits().limit(BudgetKind.RUN_TIME);
        if (limit.isEmpty() || !ledger.running()) {
            return Optional.empty();
        }
        long leftMillis = limit.get().movePointRight(3).longValue() - ledger.spend(now).runTimeMillis();
        return Optional.of(now.plusMillis(Math.max(0, leftMillis)));
    }

    /** Whether the log says the budget is exhausted (a {@code budget.exhausted} no change lifted). */
    public boolean exhausted() {
        return ledger.exhausted().isPresent();
    }

    /**
     * About how many input tokens {@code request} is: its characters (system prompt, turns, tool
     * definitions) over four, the usual ratio for English text and code. An estimate, for
     * {@link #refuses} only; the response's reported usage is what counts.
     */
    public static long estimateInputTokens(ModelRequest request) {
        long chars = request.system().length();
        for (Turn turn : request.conversation()) {
            chars += switch (turn) {
                case Turn.User user -> user.text().length();
                case Turn.ToolResult result -> result.content().length();
                case Turn.Assistant assistant -> assistant.text().length()
                        + assistant.toolCalls().stream().mapToLong(c -> c.name().length() + c.inputJson().length()).sum()
                        + assistant.thinking().stream().mapToLong(t -> t.text().length()).sum();
            };
        }
        for (ToolSpec tool : request.tools()) {
            chars += tool.name().length() + tool.description().length() + tool.inputSchemaJson().length();
        }
        return (chars + 3) / 4;
    }

    private static BigDecimal inputCost(ModelPrice price, long tokens) {
        return price.input().multiply(BigDecimal.valueOf(tokens)).divide(BigDecimal.valueOf(1_000_000),
                MathContext.DECIMAL64);
    }
}
