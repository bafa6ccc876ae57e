package dev.opencomputer.session;

import java.util.List;
import java.util.Map;

/**
 * An ACP agent process was started in the session's sandbox and initialised: who it is, what it can
 * do, and the agent's own session it works in ({@code resumed} when that session was loaded after a
 * restart rather than created). Appended at every start of the agent process. Wire name {@value #TYPE}.
 *
 * @param runtime        the agent's runtime name ({@code claude-agent-sdk}, …)
 * @param agentInfo      the agent's {@code agentInfo} (name, title, version)
 * @param capabilities   the agent's {@code agentCapabilities}
 * @param modes          the agent session's modes ({@code currentModeId}, {@code availableModes}), may be null
 * @param models         the agent session's models ({@code currentModelId}, {@code availableModels}), may be null
 * @param configOptions  the agent session's config options, may be empty
 * @param agentSessionId the agent's own session id, which {@code session/load} resumes
 * @param resumed        whether that session was loaded (true) or newly created (false)
 */
public record RuntimeReady(
        String runtime,
        Map<String, Object> agentInfo,
        Map<String, Object> capabilities,
        Map<String, Object> modes,
        Map<String, Object> models,
        List<Object> configOptions,
        String agentSessionId,
        boolean resumed)
        implements SessionEvent {

    public static final String TYPE = "runtime.ready";

    public RuntimeReady {
        agentInfo = agentInfo == null ? Map.of() : agentInfo;
        capabilities = capabilities == null ? Map.of() : capabilities;
        configOptions = configOptions == null ? List.of() : configOptions;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
