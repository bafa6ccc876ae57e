package dev.opencomputer.brain;

import dev.opencomputer.brain.egress.EgressForwarder;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.EgressSession;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SessionEvent;
import java.util.List;
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

    private void startForwarder(RunScope run) {
        var sandbox = run.setup().sandbox().id();
        EgressForwarder.start(run.context().sandboxes(), sandbox, proxy.directory(sandbox).orElseThrow());
    }
}
