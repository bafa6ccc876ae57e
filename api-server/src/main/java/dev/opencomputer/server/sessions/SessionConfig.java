package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.SessionSetup;
import dev.opencomputer.brain.SessionSetups;
import dev.opencomputer.brain.ThinkingLevel;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.LiveConfig;
import dev.opencomputer.session.SessionConfigChanged;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * A session's live configuration: model, mode and thinking level, changed with
 * {@code session.config_changed} (applied by the brain from the next model call) and read back
 * as the fold of those events over the pinned agent version's defaults.
 */
@Component
public class SessionConfig {

    /** The live configuration now. */
    public record Current(String model, String mode, String thinking) {
    }

    /** The allowed values and the current ones ({@code GET …/config-options}). */
    public record Options(List<String> models, List<String> modes, List<String> thinking, Current current) {
    }

    /** The body of {@code PATCH …/config}; a null field is unchanged. */
    public record Change(String model, String mode, String thinking) {
    }

    private final Sessions sessions;
    private final SessionSetups setups;
    private final EventLog eventLog;
    private final SessionConfigProperties properties;

    SessionConfig(Sessions sessions, SessionSetups setups, EventLog eventLog, SessionConfigProperties properties) {
        this.sessions = sessions;
        this.setups = setups;
        this.eventLog = eventLog;
        this.properties = properties;
    }

    public Options options(TenantId tenant, SessionId id) {
        sessions.find(tenant, id);
        SessionSetup setup = setup(id);
        return new Options(models(setup), modes(id), thinkingLevels(), current(id, setup));
    }

    /** Validates and records a change; answers the configuration that applies from the next model call. */
    public Current change(TenantId tenant, SessionId id, Change change) {
        SessionView session = sessions.find(tenant, id);
        SessionSetup setup = setup(id);
        List<FieldViolation> violations = new ArrayList<>();
        if (change == null || change.model() == null && change.mode() == null && change.thinking() == null) {
            violations.add(new FieldViolation("model", "at least one of model, mode and thinking is required"));
            throw new RequestInvalidException(violations);
        }
        List<String> models = models(setup);
        if (change.model() != null && !models.contains(change.model())) {
            violations.add(new FieldViolation("model", "must be one of " + models));
        }
        List<String> modes = modes(id);
        if (change.mode() != null && !modes.contains(change.mode())) {
            violations.add(new FieldViolation("mode", "must be one of " + modes));
        }
        if (change.thinking() != null && !thinkingLevels().contains(change.thinking())) {
            violations.add(new FieldViolation("thinking", "must be one of " + thinkingLevels()));
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        if (session.isClosed()) {
            throw new SessionClosedException(id.value());
        }
        eventLog.append(id, new SessionConfigChanged(change.model(), change.mode(), change.thinking()));
        return current(id, setup);
    }

    private SessionSetup setup(SessionId id) {
        return setups.load(id).orElseThrow(() -> new ResourceNotFoundException("session", id.value()));
    }

    private List<String> models(SessionSetup setup) {
        Set<String> models = new LinkedHashSet<>();
        models.add(setup.agent().model());
        models.addAll(properties.models().getOrDefault(setup.agent().provider().wireName(), List.of()));
        return List.copyOf(models);
    }

    /**
     * Our modes, then those an ACP agent offers of its own (the {@code availableModes} of its last
     * {@code runtime.ready}): the brain switches the agent's session to the chosen one
     * ({@code session/set_mode}) before its next prompt.
     */
    private List<String> modes(SessionId id) {
        Set<String> modes = new LinkedHashSet<>(properties.modes());
        List<dev.opencomputer.session.LoggedEvent> ready = eventLog.readOfTypes(id,
                Set.of(dev.opencomputer.session.RuntimeReady.class));
        if (!ready.isEmpty()) {
            Map<String, Object> agentModes = ((dev.opencomputer.session.RuntimeReady) ready.getLast().event()).modes();
            if (agentModes != null && agentModes.get("availableModes") instanceof List<?> available) {
                for (Object mode : available) {
                    if (mode instanceof Map<?, ?> m && m.get("id") instanceof String modeId) {
                        modes.add(modeId);
                    }
                }
            }
        }
        return List.copyOf(modes);
    }

    private static List<String> thinkingLevels() {
        return Arrays.stream(ThinkingLevel.values()).map(ThinkingLevel::wireName).toList();
    }

    /** The fold of the session's {@code session.config_changed} events over the agent's defaults. */
    private Current current(SessionId id, SessionSetup setup) {
        LiveConfig defaults = new LiveConfig(setup.agent().model(), properties.modes().getFirst(),
                ThinkingLevel.OFF.wireName());
        LiveConfig live = defaults.after(eventLog.readOfTypes(id, LiveConfig.CHANGED_BY));
        return new Current(live.model(), live.mode(), live.thoughtLevel());
    }
}
