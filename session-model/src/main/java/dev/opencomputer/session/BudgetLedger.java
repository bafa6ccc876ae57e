package dev.opencomputer.session;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's budget and spend, folded from its log in seq order: the tokens and cost of every
 * {@link AgentMessage} (priced by the model it names), running time as {@link UsageMeter} counts it,
 * the session's own limits ({@link BudgetChanged}), the warnings already given and whether the
 * budget is exhausted now. Because everything comes from the log, the spend survives crashes: a
 * resumed run folds the same figures. Not thread-safe: one ledger per session and reader.
 */
public final class BudgetLedger {

    /** The only event types that can change the ledger; a reader may skip the rest. */
    public static final Set<Class<? extends SessionEvent>> RELEVANT = relevant();

    private final PriceTable prices;
    private long tokens;
    private BigDecimal cost = BigDecimal.ZERO;
    private long unpricedCalls;
    private long runningMillis;
    private Instant runningSince;
    private BudgetLimits own = BudgetLimits.NONE;
    private final Map<BudgetKind, BigDecimal> warned = new EnumMap<>(BudgetKind.class);
    private BudgetExhausted exhausted;
    private long lastSeq;

    public BudgetLedger(PriceTable prices) {
        this.prices = prices;
    }

    /** Folds the next event of the session's log; an event at or before the last folded seq is ignored. */
    public void apply(LoggedEvent logged) {
        if (logged.seq() <= lastSeq) {
            return;
        }
        lastSeq = Math.max(lastSeq, logged.seq());
        Instant at = logged.time();
        switch (logged.event()) {
            case AgentMessage m -> {
                tokens += Spend.tokens(m.usage());
                Optional<ModelPrice> price = prices.price(m.model());
                if (price.isPresent()) {
                    cost = cost.add(price.get().cost(m.usage()));
                } else {
                    unpricedCalls++;
                }
            }
            case BudgetChanged c -> {
                BudgetLimits before = own;
                own = c.limits();
                for (BudgetKind kind : BudgetKind.values()) {
                    if (!before.limit(kind).equals(own.limit(kind))) {
                        warned.remove(kind);
                    }
                }
                exhausted = null;
            }
            case BudgetWarning w -> kindOf(w.kind()).ifPresent(kind -> warned.put(kind, w.limit()));
            case BudgetExhausted e -> {
                exhausted = e;
                runEnds(at);
            }
            case RunStarted e -> runStarts(at);
            case RuntimeRestarted e -> runStarts(at);
            case SessionIdle e -> runEnds(at);
            case RunCancelled e -> runEnds(at);
            case RunStuck e -> runEnds(at);
            case SessionFailed e -> runEnds(at);
            case SessionClosed e -> runEnds(at);
            // waiting for a person or a backend is not running time
            case PermissionRequested e -> runEnds(at);
            case ClientToolCalled e -> runEnds(at);
            // Not budgeted (and not in RELEVANT):
            case PermissionAnswered e -> { }
            case PermissionExpired e -> { }
            case McpConnected e -> { }
            case McpServerFailed e -> { }
            case RuntimeReady e -> { }
            case RuntimePrompted e -> { }
            case RuntimeTranscript e -> { }
            case AgentPlan e -> { }
            case NetworkRequest e -> { }
            case SandboxDiskExceeded e -> { }
            case SessionStarted e -> { }
            case UserMessage e -> { }
            case ToolCalled e -> { }
            case ToolResult e -> { }
            case CommandRun e -> { }
            case CommandExited e -> { }
            case FileWritten e -> { }
            case RuntimeCrashed e -> { }
            case SessionHibernated e -> { }
            case SessionWoke e -> { }
            case WebhookSent e -> { }
            case PullRequestOpened e -> { }
            case SessionConfigChanged e -> { }
            case UnknownEvent e -> { }
        }
    }

    /** The seq of the last event folded, 0 for none. */
    public long lastSeq() {
        return lastSeq;
    }

    /** The spend, a run in progress counting until {@code now}. */
    public Spend spend(Instant now) {
        long millis = runningMillis;
        if (runningSince != null && now.isAfter(runningSince)) {
            millis += now.toEpochMilli() - runningSince.toEpochMilli();
        }
        return new Spend(tokens, Spend.plain(cost), millis, unpricedCalls);
    }

    /** Whether a run is in progress by the log. */
    public boolean running() {
        return runningSince != null;
    }

    /** The session's own limits (set by {@link BudgetChanged}); null fields fall back to the agent's. */
    public BudgetLimits own() {
        return own;
    }

    /** The limits in force: the session's own where set, else {@code agent}'s. */
    public BudgetLimits limits(BudgetLimits agent) {
        return own.over(agent);
    }

    /** Whether a {@code budget.warning} of {@code kind} was given for {@code limit} already. */
    public boolean warned(BudgetKind kind, BigDecimal limit) {
        BigDecimal at = warned.get(kind);
        return at != null && at.compareTo(limit) == 0;
    }

    /** The {@code budget.exhausted} in force: the last one, unless a {@link BudgetChanged} followed it. */
    public Optional<BudgetExhausted> exhausted() {
        return Optional.ofNullable(exhausted);
    }

    private static Optional<BudgetKind> kindOf(String wireName) {
        for (BudgetKind kind : BudgetKind.values()) {
            if (kind.wireName().equals(wireName)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    private void runStarts(Instant at) {
        if (runningSince == null) {
            runningSince = at;
        }
    }

    private void runEnds(Instant at) {
        if (runningSince != null) {
            runningMillis += Math.max(0, at.toEpochMilli() - runningSince.toEpochMilli());
            runningSince = null;
        }
    }

    private static Set<Class<? extends SessionEvent>> relevant() {
        Set<Class<? extends SessionEvent>> types = new HashSet<>(UsageMeter.METERED);
        types.add(BudgetChanged.class);
        types.add(BudgetWarning.class);
        types.add(BudgetExhausted.class);
        return Set.copyOf(types);
    }
}
