package dev.opencomputer.server.budgets;

import dev.opencomputer.server.http.RequestBodies;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.AgentSpec;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.sessions.SessionClosedException;
import dev.opencomputer.session.BudgetChanged;
import dev.opencomputer.session.BudgetExhausted;
import dev.opencomputer.session.BudgetKind;
import dev.opencomputer.session.BudgetLedger;
import dev.opencomputer.session.BudgetLimits;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PriceTable;
import dev.opencomputer.session.Session;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Sessions' budgets on the API side, all read from the event log (the brain enforces them from the
 * same events): a session's own budget at its start (it may only narrow the agent version's), the
 * view of limits and spend, the refusal of a message to an exhausted session, and later changes.
 */
@Component
public class SessionBudgets {

    private static final Set<Class<? extends SessionEvent>> EXHAUSTION = Set.of(BudgetExhausted.class,
            BudgetChanged.class);

    private final EventLog eventLog;
    private final SessionDirectory directory;
    private final Agents agents;
    private final PriceTable prices;
    private final Clock clock;

    SessionBudgets(EventLog eventLog, SessionDirectory directory, Agents agents, PriceTable prices, Clock clock) {
        this.eventLog = eventLog;
        this.directory = directory;
        this.agents = agents;
        this.prices = prices;
        this.clock = clock;
    }

    /**
     * The {@code session.budget_changed} a new session of {@code agent} starts with, empty when it
     * asks for no budget of its own; a validation problem when it asks for more than the agent
     * allows, or caps dollars for a model without a price.
     */
    public Optional<BudgetChanged> atStart(Agent agent, AgentSpec.Budget requested) {
        if (requested == null) {
            return Optional.empty();
        }
        List<FieldViolation> violations = new ArrayList<>();
        AgentSpec.Budget.check("budget", requested, violations);
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        BudgetLimits own = AgentSpec.Budget.limits(requested);
        BudgetLimits ceiling = AgentSpec.Budget.limits(agent.budget());
        for (BudgetKind kind : own.above(ceiling)) {
            violations.add(new FieldViolation("budget." + field(kind), "may only lower the agent's limit of "
                    + ceiling.limit(kind).orElseThrow().toPlainString() + "; raise it later with PATCH …/budget"));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        requirePriced(agent.model(), own.over(ceiling));
        return own.isEmpty() ? Optional.empty() : Optional.of(BudgetChanged.to(own));
    }

    /** The budget of the tenant's session: limits in force, spend so far, exhaustion. */
    public BudgetView view(TenantId tenant, SessionId id) {
        return view(session(tenant, id));
    }

    /** The budget of {@code session}. */
    public BudgetView view(Session session) {
        BudgetLedger ledger = new BudgetLedger(prices);
        eventLog.readOfTypes(session.id(), BudgetLedger.RELEVANT).forEach(ledger::apply);
        return new BudgetView(BudgetView.Limits.of(ledger.limits(agentLimits(session))),
                BudgetView.Spent.of(ledger.spend(clock.instant())),
                ledger.exhausted().map(BudgetView.Exhausted::of).orElse(null));
    }

    /**
     * The session's limits in force and its exhaustion, without its spend (which takes reading every
     * model call); null when the session is gone.
     */
    public BudgetView standing(TenantId tenant, SessionId id) {
        Optional<Session> session = directory.find(tenant, id);
        if (session.isEmpty()) {
            return null;
        }
        BudgetLedger ledger = new BudgetLedger(prices);
        eventLog.readOfTypes(id, EXHAUSTION).forEach(ledger::apply);
        return new BudgetView(BudgetView.Limits.of(ledger.limits(agentLimits(session.get()))), null,
                ledger.exhausted().map(BudgetView.Exhausted::of).orElse(null));
    }

    /** Refuses a message to a session whose budget is exhausted ({@code budget.exhausted} not lifted by a change). */
    public void requireNotExhausted(SessionId id) {
        BudgetExhausted last = null;
        for (LoggedEvent event : eventLog.readOfTypes(id, EXHAUSTION)) {
            last = event.event() instanceof BudgetExhausted e ? e : null;
        }
        if (last != null) {
            throw new BudgetExhaustedException(id.value(), last);
        }
    }

    /**
     * Changes the session's own budget by a JSON merge patch over it: a field sent sets that limit
     * (raising above the agent's is allowed: the owner decides), a field sent as null falls back to
     * the agent version's, a field left out stays. Appends {@code session.budget_changed}, which lifts
     * an exhaustion; a running session's run applies the new limits from its next step.
     */
    public BudgetView change(TenantId tenant, SessionId id, JsonNode patch) {
        RequestBodies.requireOnly(patch, "", List.of("maxTokens", "maxCostUsd", "maxRunTime"), List.of());
        Session session = session(tenant, id);
        if (session.status().isTerminal()) {
            throw new SessionClosedException(id.value());
        }
        if (patch == null || !patch.isObject()) {
            throw new RequestInvalidException("budget", "must be an object with maxTokens, maxCostUsd or maxRunTime");
        }
        BudgetLedger ledger = new BudgetLedger(prices);
        eventLog.readOfTypes(id, EXHAUSTION).forEach(ledger::apply);
        BudgetLimits own = ledger.own();
        List<FieldViolation> violations = new ArrayList<>();
        Long maxTokens = whole(patch, "maxTokens", own.maxTokens(), violations);
        Long maxRunTime = whole(patch, "maxRunTime", own.maxRunTime(), violations);
        BigDecimal maxCostUsd = own.maxCostUsd();
        if (patch.has("maxCostUsd")) {
            JsonNode value = patch.get("maxCostUsd");
            if (value.isNull()) {
                maxCostUsd = null;
            } else if (value.isNumber()) {
                maxCostUsd = value.decimalValue();
            } else {
                violations.add(new FieldViolation("budget.maxCostUsd", "must be a number of US dollars"));
            }
        }
        AgentSpec.Budget changed = new AgentSpec.Budget(maxTokens, maxCostUsd, maxRunTime);
        AgentSpec.Budget.check("budget", changed, violations);
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        BudgetLimits limits = AgentSpec.Budget.limits(changed);
        requirePriced(modelOf(session), limits.over(agentLimits(session)));
        eventLog.append(id, BudgetChanged.to(limits));
        return view(session(tenant, id));
    }

    private void requirePriced(String model, BudgetLimits limits) {
        if (limits.maxCostUsd() != null && prices.price(model).isEmpty()) {
            throw new RequestInvalidException("budget.maxCostUsd", "the model " + model
                    + " has no price (opencomputer.brain.prices), so its cost cannot be capped; cap tokens instead");
        }
    }

    private static Long whole(JsonNode patch, String name, Long current, List<FieldViolation> violations) {
        if (!patch.has(name)) {
            return current;
        }
        JsonNode value = patch.get(name);
        if (value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            violations.add(new FieldViolation("budget." + name, "must be a whole number"));
            return current;
        }
        return value.longValue();
    }

    private Session session(TenantId tenant, SessionId id) {
        return directory.find(tenant, id).orElseThrow(() -> new ResourceNotFoundException("session", id.value()));
    }

    private Agent agent(Session session) {
        return agents.findVersion(session.tenantId(), session.agentId(), session.agentVersion());
    }

    private BudgetLimits agentLimits(Session session) {
        try {
            return AgentSpec.Budget.limits(agent(session).budget());
        } catch (ResourceNotFoundException e) {
            return BudgetLimits.NONE;
        }
    }

    private String modelOf(Session session) {
        try {
            return agent(session).model();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private static String field(BudgetKind kind) {
        return switch (kind) {
            case TOKENS -> "maxTokens";
            case COST_USD -> "maxCostUsd";
            case RUN_TIME -> "maxRunTime";
        };
    }
}
