package dev.opencomputer.brain;

import dev.opencomputer.brain.acp.AcpConnection;
import dev.opencomputer.brain.acp.QueueInputStream;
import dev.opencomputer.brain.gateway.GatewayGrant;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.SandboxException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One start of an ACP agent's process in the session's sandbox, the brain's side of its stdio: a
 * fresh gateway token (the only credential the agent gets), the gateway served on the sandbox's
 * socket, the agent's command run through the engine's exec with stdin attached, its stdout fed to
 * the {@link AcpConnection}. {@link #close()} kills the process, revokes the token and stops serving.
 */
final class AcpProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AcpProcess.class);
    /** Where an agent keeps its own state (its session files): on the workspace volume, so it survives restarts. */
    static final String STATE_ROOT = "/workspace/.opencomputer/agents/";
    /** The session's system prompt, for an agent's launcher to hand to the agent (codex's does). */
    static final String SYSTEM_PROMPT_VARIABLE = "OC_SYSTEM_PROMPT";

    private final RunScope run;
    private final AcpRuntimes acp;
    private final QueueInputStream stdin = new QueueInputStream();
    private final StringBuilder stderr = new StringBuilder();
    private final AcpConnection connection;
    private final String token;
    private final AutoCloseable served;
    private final Execution execution;
    private final String model;
    private volatile Integer exitCode;

    private AcpProcess(RunScope run, AcpRuntimes acp, RuntimeDefinition runtime, AcpConnection.Peer peer) {
        this.run = run;
        this.acp = acp;
        SessionSetup setup = run.setup();
        String marker = marker(run);
        this.model = run.log().conversation().model(setup.agent().model());
        run.tools().killLeftovers(marker); // a process left by a crashed brain must not answer twice
        this.token = acp.tokens().issue(new GatewayGrant(run.log().session(), setup.tenant(), setup.sandbox().id(),
                runtime.provider(), setup.agent().credential(), models(run)));
        AutoCloseable handle = null;
        try {
            handle = acp.gateway().serve(setup.sandbox().id());
            this.connection = new AcpConnection(stdin::offer, peer);
            Map<String, String> env = new HashMap<>(runtime.env());
            env.putAll(setup.env());
            env.putAll(gatewayEnv(runtime, run, token));
            env.put("HOME", STATE_ROOT + run.log().session().value());
            if (!setup.systemPrompt().isBlank()) {
                // for agents that take no _meta.systemPrompt.append (codex, through its launcher)
                env.put(SYSTEM_PROMPT_VARIABLE, setup.systemPrompt());
            }
            env.put(SandboxTools.TOOL_CALL_MARKER, marker);
            ExecRequest request = new ExecRequest(runtime.command(), setup.absoluteCwd(), env,
                    run.context().properties().maxCommandTimeout());
            this.execution = run.context().sandboxes().exec(setup.sandbox().id(), request, stdin, (kind, bytes) -> {
                if (kind == OutputKind.STDOUT) {
                    connection.receive(bytes);
                } else {
                    synchronized (stderr) {
                        stderr.append(new String(bytes, StandardCharsets.UTF_8));
                        if (stderr.length() > 8192) {
                            stderr.delete(0, stderr.length() - 8192);
                        }
                    }
                }
            });
        } catch (RuntimeException e) {
            acp.tokens().revokeToken(token);
            closeQuietly(handle);
            throw e;
        }
        this.served = handle;
        execution.result().whenComplete((result, failure) -> {
            exitCode = result == null ? null : result.exitCode();
            connection.closed("the agent's process ended" + (result == null ? "" : " with exit code "
                    + result.exitCode()));
        });
    }

    static AcpProcess start(RunScope run, AcpRuntimes acp, RuntimeDefinition runtime, AcpConnection.Peer peer) {
        return new AcpProcess(run, acp, runtime, peer);
    }

    /** The models the agent may call: its own, and the live config's override. */
    private static Set<String> models(RunScope run) {
        Set<String> models = new LinkedHashSet<>();
        models.add(run.setup().agent().model());
        models.add(run.log().conversation().model(run.setup().agent().model()));
        return models;
    }

    /**
     * How the agent reaches the gateway: a base URL on the sandbox's loopback and the session's token.
     * Never {@code ANTHROPIC_API_KEY} with a key (the agent's own key variable stays empty).
     */
    private static Map<String, String> gatewayEnv(RuntimeDefinition runtime, RunScope run, String token) {
        String model = run.log().conversation().model(run.setup().agent().model());
        Map<String, String> env = new HashMap<>();
        env.put("OC_GATEWAY_PORT", "4480");
        if (runtime.provider() == ModelProvider.ANTHROPIC) {
            env.put("ANTHROPIC_BASE_URL", AcpRuntimes.GATEWAY_URL);
            env.put("ANTHROPIC_AUTH_TOKEN", token);
            env.put("ANTHROPIC_API_KEY", "");
            env.put("ANTHROPIC_MODEL", model);
            env.put("ANTHROPIC_SMALL_FAST_MODEL", model);
            // Claude Code's aliases (its "default" is Sonnet) all name the agent's model
            env.put("ANTHROPIC_DEFAULT_HAIKU_MODEL", model);
            env.put("ANTHROPIC_DEFAULT_SONNET_MODEL", model);
            env.put("ANTHROPIC_DEFAULT_OPUS_MODEL", model);
        } else {
            env.put("OPENAI_BASE_URL", AcpRuntimes.GATEWAY_URL + "/v1");
            env.put("OPENAI_API_KEY", token);
            env.put("OPENAI_MODEL", model);
        }
        return env;
    }

    /** The marker every process of the session's agent carries, so a leftover one can be found and killed. */
    static String marker(RunScope run) {
        return "acp-" + run.log().session().value();
    }

    /** The model this process was started for (its token allows it, its variables name it). */
    String model() {
        return model;
    }

    AcpConnection connection() {
        return connection;
    }

    boolean running() {
        return !execution.result().isDone();
    }

    Integer exitCode() {
        return exitCode;
    }

    /** The end of what the agent wrote to stderr, for a failure message. */
    String stderrTail() {
        synchronized (stderr) {
            String tail = stderr.toString().strip();
            return tail.length() > 1000 ? tail.substring(tail.length() - 1000) : tail;
        }
    }

    void kill() {
        try {
            execution.kill();
        } catch (SandboxException e) {
            log.debug("cannot kill the agent of {}: {}", run.log().session(), e.toString());
        }
    }

    @Override
    public void close() {
        connection.close();
        stdin.close();
        if (running()) {
            kill();
        }
        try {
            acp.tokens().revokeToken(token);
        } catch (RuntimeException e) {
            log.warn("cannot revoke the gateway token of {} (it is revoked with the session): {}",
                    run.log().session(), e.toString());
        }
        closeQuietly(served);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", closeable, e.toString());
        }
    }
}
