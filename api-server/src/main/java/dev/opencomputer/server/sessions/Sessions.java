package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.BrainWorker;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.eventlog.SessionQuery;
import dev.opencomputer.session.Session;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.server.sandboxes.SandboxRequest;
import dev.opencomputer.server.sandboxes.Sandboxes;
import dev.opencomputer.session.SandboxId;
import org.springframework.beans.factory.ObjectProvider;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.server.agents.Agent;
import dev.opencomputer.server.agents.AgentPermissions;
import dev.opencomputer.server.agents.Agents;
import dev.opencomputer.server.agents.McpServerRules;
import dev.opencomputer.server.agents.McpServerSpec;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.server.agents.AgentSpec;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.problems.ServiceUnavailableException;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.server.budgets.SessionBudgets;
import dev.opencomputer.session.BudgetChanged;
import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.session.SessionClosed;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.SessionWoke;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.RunCancelled;
import dev.opencomputer.session.UserMessage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import dev.opencomputer.server.problems.LimitExceededException;
import dev.opencomputer.server.tenants.TierLimits;
import org.springframework.stereotype.Component;

/**
 * A tenant's sessions: starting one (its row and first events, in one transaction, through the
 * event log), reading them, and posting messages. Every read is scoped by tenant: another
 * tenant's session is reported exactly like a missing one.
 */
@Component
public class Sessions {

    private final SetupTable setups;
    private final EventLog eventLog;
    private final SessionDirectory directory;
    private final Agents agents;
    private final SessionsProperties properties;
    private final Clock clock;
    private final Sandboxes sandboxes;
    private final ObjectProvider<BrainWorker> brain;
    private final TierLimits limits;
    private final McpServerRules mcpRules;
    private final SessionMcpServers mcpStates;
    private final SessionBudgets budgets;
    private final ObjectProvider<GatewayTokens> gatewayTokens;
    private final EgressProperties egress;

    Sessions(SetupTable setups, EventLog eventLog, SessionDirectory directory, Agents agents,
            SessionsProperties properties, Clock clock, Sandboxes sandboxes, ObjectProvider<BrainWorker> brain,
            McpServerRules mcpRules, SessionMcpServers mcpStates, TierLimits limits, SessionBudgets budgets,
            ObjectProvider<GatewayTokens> gatewayTokens, EgressProperties egress) {
        this.egress = egress;
        this.limits = limits;
        this.mcpRules = mcpRules;
        this.mcpStates = mcpStates;
        this.budgets = budgets;
        this.gatewayTokens = gatewayTokens;
        this.sandboxes = sandboxes;
        this.brain = brain;
        this.setups = setups;
        this.eventLog = eventLog;
        this.directory = directory;
        this.agents = agents;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * A tenant may have at most its tier's {@code maxPendingSessions} waiting for a run slot: a
     * backlog (sessions on one shared sandbox included, which no sandbox cap counts) is bounded.
     */
    private void refuseBeyondPendingCap(TenantId tenant) {
        int max = limits.of(tenant).maxPendingSessions();
        int pending = directory.list(tenant, new SessionQuery(Optional.of(SessionStatus.PENDING), Optional.empty(),
                Optional.empty(), Optional.empty()), null, max).size();
        if (pending >= max) {
            throw new LimitExceededException("maxPendingSessions", max, Duration.ofSeconds(5));
        }
    }

    /**
     * Starts a session of the agent's current version: its sandbox (created from the agent's image,
     * or the tenant's existing sandbox named by {@code sandbox}), its setup row, then the session
     * row with {@code session.started} and the first {@code user.message}, status {@code pending};
     * then wakes this replica's brain worker. A budget of its own ({@code session.budget_changed}, between
     * the two) may only lower the agent's. Whatever fails on the way (engine unreachable, a limit)
     * leaves nothing behind: no session exists without its sandbox and setup.
     */
    public SessionView start(TenantId tenant, StartSession request) {
        return start(tenant, request, id -> { });
    }

    /**
     * Like {@link #start(TenantId, StartSession)}, telling {@code remember} the new session's id
     * before anything is created (the idempotency layer keeps it, see {@link #started}).
     */
    public SessionView start(TenantId tenant, StartSession request, java.util.function.Consumer<SessionId> remember) {
        List<FieldViolation> violations = new ArrayList<>();
        if (request.agent() == null || request.agent().isBlank()) {
            violations.add(new FieldViolation("agent", "is required (an agent id or name)"));
        }
        checkText("input", request.input(), violations);
        Map<String, String> metadata = request.metadata() == null ? Map.of() : request.metadata();
        checkMetadata(metadata, violations);
        Map<String, String> env = request.env() == null ? Map.of() : request.env();
        String cwd = request.cwd() == null || request.cwd().isBlank() ? null : request.cwd().strip();
        checkCommandSetup(env, cwd, violations);
        String instructions = request.additionalInstructions() == null ? "" : request.additionalInstructions();
        if (instructions.length() > properties.maxMessageLength()) {
            violations.add(new FieldViolation("additionalInstructions",
                    "is longer than " + properties.maxMessageLength() + " characters"));
        }
        AgentPermissions.check(request.permissions(), "permissions", false, violations);
        NetworkPolicy ownNetwork = AgentSpec.Network.check("network", request.network(), egress.allowOpen(), violations);
        SandboxId attached = null;
        if (request.sandbox() != null) {
            if (!SandboxId.isValid(request.sandbox())) {
                violations.add(new FieldViolation("sandbox", "must be the id of one of your sandboxes (sbx_…)"));
            } else {
                attached = SandboxId.parse(request.sandbox());
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        Agent agent;
        try {
            agent = agents.resolve(tenant, request.agent());
        } catch (ResourceNotFoundException e) {
            throw new RequestInvalidException("agent", "no agent with this id or name");
        }
        if (ownNetwork != null) {
            AgentSpec.Network.effective(agent.network(), egress.defaultPolicy()).widenedBy(ownNetwork)
                    .ifPresent(reason -> {
                        throw new RequestInvalidException("network", reason);
                    });
        }
        List<McpServerSpec> mcpServers = mcpServers(agent, request.mcpServers());
        Optional<BudgetChanged> ownBudget = budgets.atStart(agent, request.budget()); // refused: no sandbox made
        if (attached != null && !sandboxes.exists(tenant, attached)) {
            throw new RequestInvalidException("sandbox", "no sandbox with this id");
        }
        refuseBeyondPendingCap(tenant);
        SessionId id = SessionId.next(clock.instant());
        remember.accept(id);
        SandboxId sandbox = attached != null ? attached
                : SandboxId.parse(sandboxes.createForSession(tenant,
                        new SandboxRequest(agent.sandbox() == null ? null : agent.sandbox().image(), null, null, null,
                                null)).id());
        AgentId agentId = AgentId.parse(agent.id());
        List<SessionEvent> first = new ArrayList<>();
        first.add(new SessionStarted(agentId, agent.version(), agent.model(), null, metadata));
        ownBudget.ifPresent(first::add);
        first.add(new UserMessage(request.input()));
        try {
            setups.insert(id, tenant, sandbox, attached == null, env, cwd, instructions, mcpServers,
                    request.permissions(), ownNetwork == null ? null : AgentSpec.Network.of(ownNetwork), clock.instant());
            eventLog.create(new NewSession(id, tenant, agentId, agent.version(), metadata), first);
        } catch (SetupTable.SandboxGoneException e) {
            undoStart(tenant, id, null, e);
            if (attached != null) {
                throw new RequestInvalidException("sandbox", "no sandbox with this id");
            }
            throw new ServiceUnavailableException("database", "the session's sandbox was removed while the "
                    + "session started (the start took too long); retry", e);
        } catch (RuntimeException e) {
            undoStart(tenant, id, attached == null ? sandbox : null, e);
            throw e;
        }
        wakeBrain();
        return show(tenant, id);
    }

    /**
     * The session {@code id} of the tenant when a start under an idempotency key created it before its
     * process died (the retry answers with it instead of starting another); empty when it does not exist.
     */
    public Optional<SessionView> started(TenantId tenant, String id) {
        if (!SessionId.isValid(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(show(tenant, SessionId.parse(id)));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The session with its budget (limits, spend, exhaustion), as {@code GET /v1/sessions/{id}} shows it. */
    public SessionView show(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id).with(budgets.view(tenant, id));
        List<dev.opencomputer.session.LoggedEvent> ready = eventLog.readOfTypes(id,
                java.util.Set.of(dev.opencomputer.session.RuntimeReady.class));
        if (ready.isEmpty()) {
            return session;
        }
        var last = (dev.opencomputer.session.RuntimeReady) ready.getLast().event();
        return session.withAgent(last.agentInfo(), last.capabilities());
    }

    /** The session's own MCP servers, checked, none named like one of the agent's. */
    private List<McpServerSpec> mcpServers(Agent agent, List<McpServerSpec> requested) {
        List<McpServerSpec> own = mcpRules.checked("mcpServers", requested);
        List<FieldViolation> violations = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            String name = own.get(i).name();
            if (agent.mcpServers().stream().anyMatch(server -> server.name().equals(name))) {
                violations.add(new FieldViolation("mcpServers[" + i + "].name", "the agent already has an MCP server "
                        + "named '" + name + "'; names are unique in a session"));
            }
        }
        if (agent.mcpServers().size() + own.size() > McpServerSpec.MAX_SERVERS) {
            violations.add(new FieldViolation("mcpServers", "a session has at most " + McpServerSpec.MAX_SERVERS
                    + " MCP servers, the agent's included"));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        return own;
    }

    /** The sandbox and setup of a session whose start failed half-way are removed again. */
    private void undoStart(TenantId tenant, SessionId id, SandboxId ownedSandbox, RuntimeException cause) {
        // each step on its own: with the database gone the sandbox is still tried (and the reaper removes
        // a sandbox left so, Sandboxes.reapStray)
        if (ownedSandbox != null) {
            try {
                sandboxes.delete(tenant, ownedSandbox);
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        try {
            setups.delete(id);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void wakeBrain() {
        brain.ifAvailable(BrainWorker::wake);
    }

    private static void checkCommandSetup(Map<String, String> env, String cwd, List<FieldViolation> violations) {
        if (env.size() > 100) {
            violations.add(new FieldViolation("env", "has more than 100 variables"));
            return;
        }
        for (Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getValue() == null || variable.getValue().length() > 32_768) {
                violations.add(new FieldViolation("env." + variable.getKey(), "must be a string of at most 32768 characters"));
                return;
            }
            if (variable.getKey().startsWith("OC_")) {
                violations.add(new FieldViolation("env." + variable.getKey(), "names starting with OC_ are reserved"));
                return;
            }
        }
        try {
            new ExecRequest(List.of("true"), null, env, null);
        } catch (IllegalArgumentException e) {
            violations.add(new FieldViolation("env", e.getMessage()));
        }
        if (cwd != null) {
            String absolute = cwd.startsWith("/") ? cwd : "/workspace/" + cwd;
            if (cwd.length() > 1024 || cwd.indexOf('\0') >= 0
                    || !(absolute.equals("/workspace") || absolute.startsWith("/workspace/"))
                    || java.util.Arrays.asList(absolute.split("/")).contains("..")) {
                violations.add(new FieldViolation("cwd", "must be a directory under /workspace (absolute, or relative to it)"));
            }
        }
    }

    /** The session, if it is the tenant's. */
    public SessionView find(TenantId tenant, SessionId id) {
        Session session = directory.find(tenant, id)
                .orElseThrow(() -> new ResourceNotFoundException("session", id.value()));
        SessionView view = view(session, setups.placements(List.of(id)).get(id));
        Optional<SetupTable.Setup> setup = setups.find(tenant, id);
        Agent agent;
        try {
            agent = agents.findVersion(tenant, session.agentId(), session.agentVersion());
        } catch (ResourceNotFoundException e) {
            return view;
        }
        return view.withMcpServers(mcpStates.of(id, agent, setup.map(SetupTable.Setup::mcpServers).orElse(List.of())));
    }

    /**
     * The tenant's persisted sessions (closed ones and those whose sandbox is gone included), newest
     * first, narrowed by {@code filter}.
     */
    public Page<SessionView> list(TenantId tenant, PageRequest page, SessionFilter filter) {
        Optional<AgentId> agent = filter.agent().map(a -> AgentId.isValid(a) ? a : agentIdByName(tenant, a))
                .map(AgentId::parse);
        if (filter.agent().isPresent() && agent.isEmpty()) {
            return page.page(List.of(), SessionView::id);
        }
        SessionQuery query = new SessionQuery(filter.status(), agent, filter.createdAfter(), filter.createdBefore());
        List<Session> found = directory.list(tenant, query,
                page.before() == null ? null : SessionId.parse(page.before()), page.limit() + 1);
        Map<SessionId, SetupTable.Placement> placements = setups.placements(found.stream().map(Session::id).toList());
        List<SessionView> views = found.stream().map(s -> view(s, placements.get(s.id()))).toList();
        return page.page(views, SessionView::id);
    }

    private String agentIdByName(TenantId tenant, String name) {
        try {
            return agents.resolve(tenant, name).id();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    private static SessionView view(Session session, SetupTable.Placement placement) {
        return new SessionView(session.id().value(), session.status().wireName(), session.agentId().value(),
                session.agentVersion(), session.lastSeq(), placement == null ? null : placement.sandbox().value(),
                placement == null ? null : placement.cwd(), session.metadata(), session.createdAt(),
                session.updatedAt(), null, null, null);
    }

    /**
     * Closes the session: appends {@code session.closed} (the brain stops a run of it at its next
     * step) and removes its sandbox unless another live session uses it, or it is a sandbox of the
     * tenant's that the session only attached to. The log stays readable. Closing a closed session
     * changes nothing.
     */
    public SessionView close(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        if (!session.isClosed()) {
            eventLog.append(id, new SessionClosed("closed"));
        }
        revokeGatewayTokens(id);
        if (session.sandboxId() != null) {
            removeSandboxIfUnused(tenant, SandboxId.parse(session.sandboxId()), id);
        }
        return find(tenant, id);
    }

    /**
     * Wakes a hibernated session: starts its sandbox on the same workspace and appends
     * {@code session.woke}; the session is idle again (and hibernates again after the idle time). Any
     * other session is answered as it is.
     */
    public SessionView wake(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        if (!"hibernated".equals(session.status())) {
            return session;
        }
        if (session.sandboxId() != null) {
            sandboxes.start(tenant, SandboxId.parse(session.sandboxId()));
        }
        eventLog.append(id, new SessionWoke());
        return find(tenant, id);
    }

    /**
     * Destroys the session: its sandbox (under the same rule as {@link #close}) first, so that a
     * failing engine leaves the session intact for a retry, then its row, every event and its setup.
     */
    public void destroy(TenantId tenant, SessionId id) {
        SessionView session = find(tenant, id);
        revokeGatewayTokens(id);
        if (session.sandboxId() != null) {
            removeSandboxIfUnused(tenant, SandboxId.parse(session.sandboxId()), id);
        }
        directory.delete(tenant, id);
        setups.delete(id);
    }

    /** A closed or destroyed session's agent can no longer reach a model, whichever replica runs it. */
    private void revokeGatewayTokens(SessionId id) {
        GatewayTokens tokens = gatewayTokens.getIfAvailable();
        if (tokens != null) {
            tokens.revoke(id);
        }
    }

    /**
     * Removes {@code sandbox} when it was created for a session and no session but {@code leaving}
     * still uses it (one not closed); a shared one is only detached from, a sandbox the tenant
     * created itself is left alone.
     */
    private void removeSandboxIfUnused(TenantId tenant, SandboxId sandbox, SessionId leaving) {
        List<SetupTable.Occupant> occupants = setups.occupants(tenant, sandbox);
        List<SessionId> others = occupants.stream().map(SetupTable.Occupant::session)
                .filter(session -> !session.equals(leaving)).toList();
        boolean remove = occupants.stream().anyMatch(SetupTable.Occupant::ownsSandbox)
                && directory.findAll(others).values().stream().allMatch(s -> s.status() == SessionStatus.CLOSED);
        if (remove) {
            try {
                sandboxes.delete(tenant, sandbox);
            } catch (ResourceNotFoundException e) {
                // removed already (an earlier close, or through /v1/sandboxes)
            }
        }
    }

    /** Appends a {@code user.message} to the tenant's session; returns it with its seq. */
    public LoggedEvent postMessage(TenantId tenant, SessionId id, PostMessage message) {
        List<FieldViolation> violations = new ArrayList<>();
        checkText("text", message.text(), violations);
        if (message.mode() != null && !message.mode().equals("queue") && !message.mode().equals("interrupt")) {
            violations.add(new FieldViolation("mode", "must be queue or interrupt"));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        SessionView session = find(tenant, id);
        if (session.isClosed()) {
            throw new SessionClosedException(id.value());
        }
        budgets.requireNotExhausted(id);
        LoggedEvent event = message.interrupts() && SessionControl.hasRun(session)
                ? eventLog.append(id, List.of(new RunCancelled(SessionControl.INTERRUPTED),
                        new UserMessage(message.text()))).getLast()
                : eventLog.append(id, new UserMessage(message.text()));
        wakeBrain();
        return event;
    }

    private void checkText(String field, String text, List<FieldViolation> violations) {
        if (text == null || text.isBlank()) {
            violations.add(new FieldViolation(field, "is required and cannot be blank"));
        } else if (text.length() > properties.maxMessageLength()) {
            violations.add(new FieldViolation(field, "is longer than " + properties.maxMessageLength() + " characters"));
        }
    }

    private static void checkMetadata(Map<String, String> metadata, List<FieldViolation> violations) {
        if (metadata.size() > 50) {
            violations.add(new FieldViolation("metadata", "has more than 50 entries"));
        }
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey().isEmpty() || entry.getKey().length() > 64) {
                violations.add(new FieldViolation("metadata", "keys must be 1 to 64 characters"));
                return;
            }
            if (entry.getValue() == null || entry.getValue().length() > 512) {
                violations.add(new FieldViolation("metadata." + entry.getKey(), "must be a string of at most 512 characters"));
            }
        }
    }
}
