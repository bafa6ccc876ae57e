package dev.opencomputer.brain;

import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.EgressSession;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SessionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A runtime kind whose runs reach the network their session allows: before the runtime opens, the
 * egress proxy serves the session's sandbox and the forwarder ({@code oc-forward.js}, written into
 * the sandbox's socket directory) is started inside it — again whenever the sandbox is brought back;
 * when the run closes, the proxy stops serving it and its last {@code network.request} events are
 * appended. A session whose network is {@code none} gets nothing: no socket, no forwarder, no route.
 */
final class EgressRuns implements AgentRuntime.Kind {

    private static final Logger log = LoggerFactory.getLogger(EgressRuns.class);
    static final String FORWARDER = "oc-forward.js";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final AgentRuntime.Kind inner;
    private final EgressProxy proxy;
    private final EgressProperties properties;

    EgressRuns(AgentRuntime.Kind inner, EgressProxy proxy, EgressProperties properties) {
        this.inner = inner;
        this.proxy = proxy;
        this.properties = properties;
    }

    @Override
    public AgentRuntime open(RunScope run) {
        NetworkPolicy policy = run.setup().network();
        var sandbox = run.setup().sandbox().id();
        if (policy.mode() == NetworkPolicy.Mode.NONE) {
            return inner.open(run);
        }
        if (!proxy.available(sandbox)) {
            log.warn("session {} allows network ({}), but no socket directory is configured "
                    + "(opencomputer.sandbox.socket-dir): its sandbox has none", run.log().session(), policy.mode().wire());
            return inner.open(run);
        }
        if (policy.mode() == NetworkPolicy.Mode.OPEN && !properties.allowOpen()) {
            log.warn("session {} asks for an open network, which this installation no longer allows: every "
                    + "connection is refused", run.log().session());
            policy = new NetworkPolicy(NetworkPolicy.Mode.ALLOWLIST, List.of());
        }
        long before = bytesBefore(run);
        RunLog runLog = run.log();
        EgressSession session = new EgressSession(runLog.session(), policy, before, properties,
                batch -> runLog.appendAside(batch));
        AutoCloseable served = proxy.serve(sandbox, session);
        try {
            startForwarder(run);
            run.sandbox().afterRestart(() -> startForwarder(run));
            AgentRuntime delegate = inner.open(run);
            return new AgentRuntime() {
                @Override
                public Optional<SessionEvent> step(Conversation conversation) {
                    return delegate.step(conversation);
                }

                @Override
                public void close() {
                    try {
                        delegate.close();
                    } finally {
                        stop(served);
                    }
                }
            };
        } catch (RuntimeException e) {
            stop(served);
            throw e;
        }
    }

    private static void stop(AutoCloseable served) {
        try {
            served.close();
        } catch (Exception e) {
            log.warn("stopping the egress proxy of a run failed: {}", e.toString());
        }
    }

    /** What the session moved through the proxy in earlier runs, from its log. */
    private static long bytesBefore(RunScope run) {
        return run.context().eventLog().readOfTypes(run.log().session(), Set.of(NetworkRequest.class)).stream()
                .map(logged -> (NetworkRequest) logged.event())
                .mapToLong(r -> r.bytesIn() + r.bytesOut()).sum();
    }

    /** Writes the forwarder into the socket directory and starts it in the sandbox (a no-op when it runs). */
    private void startForwarder(RunScope run) {
        var sandbox = run.setup().sandbox().id();
        Path dir = proxy.directory(sandbox).orElseThrow();
        try (InputStream script = EgressRuns.class.getResourceAsStream("/dev/opencomputer/brain/sockets/" + FORWARDER)) {
            if (script == null) {
                throw new IllegalStateException(FORWARDER + " is missing from the brain's resources");
            }
            Files.createDirectories(dir);
            Path tmp = dir.resolve(FORWARDER + ".tmp");
            Files.copy(script, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setReadable(true, false);
            Files.move(tmp, dir.resolve(FORWARDER), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the egress forwarder into " + dir, e);
        }
        String mount = SandboxConfig.SOCKET_MOUNT;
        String port = String.valueOf(EgressProxy.PORT);
        String probe = "node -e 'require(\"net\").connect(" + port + ",\"127.0.0.1\").on(\"connect\",()=>process.exit(0))"
                + ".on(\"error\",()=>process.exit(1))'";
        String script = "command -v node >/dev/null 2>&1 || exit 127\n"
                + probe + " 2>/dev/null && exit 0\n"
                + "node " + mount + "/" + FORWARDER + " " + port + " " + mount + "/" + EgressProxy.SOCKET
                + " </dev/null >/dev/null 2>&1 &\n"
                + "i=0; while [ $i -lt 100 ]; do " + probe + " 2>/dev/null && exit 0; i=$((i+1)); sleep 0.1; done; exit 1\n";
        ExecResult result = run.context().sandboxes().run(sandbox,
                new ExecRequest(List.of("/bin/sh", "-c", script), null, Map.of(), START_TIMEOUT));
        if (result.exitCode() != 0) {
            log.warn("the egress forwarder did not start in {} (exit {}{}): the session's commands cannot reach the "
                    + "network", sandbox, result.exitCode(), result.exitCode() == 127 ? ": the image has no node" : "");
        }
    }
}
