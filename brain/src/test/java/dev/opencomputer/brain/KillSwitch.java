package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.sandbox.AttachedExecution;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.secrets.KeyringStatus;
import dev.opencomputer.secrets.RewrapReport;
import dev.opencomputer.secrets.SecretMetadata;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.SecretWritten;
import dev.opencomputer.session.EphemeralEvent;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Stands in for {@code kill -9} of a worker's process inside one JVM: the worker gets its
 * dependencies through this switch, and once it is {@linkplain #pull() pulled} every call the
 * worker makes to the database, the engine, the secret store or the model fails, exactly as if
 * the process were gone. What the process had started outside keeps going, as it would: a command
 * in the sandbox runs on (nobody can kill it through the dead worker), the model's hanging
 * response stays open until the worker's thread gives up.
 */
final class KillSwitch {

    private volatile boolean pulled;

    void pull() {
        pulled = true;
    }

    private void alive() {
        if (pulled) {
            throw new IllegalStateException("the worker's process is dead");
        }
    }

    EventLog eventLog(EventLog log) {
        return new EventLog() {
            @Override
            public List<LoggedEvent> create(NewSession session, List<? extends SessionEvent> firstEvents) {
                alive();
                return log.create(session, firstEvents);
            }

            @Override
            public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events) {
                alive();
                return log.append(session, events);
            }

            @Override
            public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events, long fencingToken) {
                alive();
                return log.append(session, events, fencingToken);
            }

            @Override
            public List<LoggedEvent> readAfter(SessionId session, long afterSeq, int limit) {
                alive();
                return log.readAfter(session, afterSeq, limit);
            }

            @Override
            public Flow.Publisher<StreamItem> subscribe(SessionId session, long afterSeq) {
                alive();
                return log.subscribe(session, afterSeq);
            }

            @Override
            public void publish(SessionId session, EphemeralEvent event) {
                alive();
                log.publish(session, event);
            }
        };
    }

    SessionLeases leases(SessionLeases leases) {
        return new SessionLeases() {
            @Override
            public List<Lease> claim(String owner, int limit, Duration duration) {
                alive();
                return leases.claim(owner, limit, duration);
            }

            @Override
            public List<Lease> claimIdle(String owner, Collection<SessionId> sessions, java.time.Instant idleBefore,
                    Duration duration) {
                alive();
                return leases.claimIdle(owner, sessions, idleBefore, duration);
            }

            @Override
            public Set<SessionId> renew(String owner, Collection<Lease> held, Duration duration) {
                alive();
                return leases.renew(owner, held, duration);
            }

            @Override
            public boolean release(String owner, Lease lease) {
                alive();
                return leases.release(owner, lease);
            }
        };
    }

    SecretStore secrets(SecretStore store) {
        return new SecretStore() {
            @Override
            public SecretWritten put(String tenant, SecretName name, SecretValue value) {
                alive();
                return store.put(tenant, name, value);
            }

            @Override
            public Optional<SecretMetadata> find(String tenant, SecretName name) {
                alive();
                return store.find(tenant, name);
            }

            @Override
            public List<SecretMetadata> list(String tenant, SecretName after, int limit) {
                alive();
                return store.list(tenant, after, limit);
            }

            @Override
            public boolean delete(String tenant, SecretName name) {
                alive();
                return store.delete(tenant, name);
            }

            @Override
            public SecretValue reveal(String tenant, SecretName name, String who) {
                alive();
                return store.reveal(tenant, name, who);
            }

            @Override
            public KeyringStatus verifyKeyring() {
                alive();
                return store.verifyKeyring();
            }

            @Override
            public RewrapReport rewrap() {
                alive();
                return store.rewrap();
            }
        };
    }

    ModelClient models(ModelClient client) {
        return new ModelClient() {
            @Override
            public ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener) {
                alive();
                return client.start(request, apiKey, listener);
            }

            @Override
            public void close() {
            }
        };
    }

    SandboxDriver sandboxes(SandboxDriver driver) {
        return new SandboxDriver() {
            @Override
            public SandboxState create(SandboxSpec spec) {
                alive();
                return driver.create(spec);
            }

            @Override
            public void start(SandboxId id) {
                alive();
                driver.start(id);
            }

            @Override
            public void stop(SandboxId id) {
                alive();
                driver.stop(id);
            }

            @Override
            public void remove(SandboxId id) {
                alive();
                driver.remove(id);
            }

            @Override
            public SandboxState inspect(SandboxId id) {
                alive();
                return driver.inspect(id);
            }

            @Override
            public List<SandboxState> list() {
                alive();
                return driver.list();
            }

            @Override
            public SandboxState revive(SandboxSpec spec) {
                alive();
                return driver.revive(spec);
            }

            @Override
            public AttachedExecution attach(SandboxId id, ExecRequest request, OutputListener listener) {
                alive();
                return driver.attach(id, request, listener); // a dead worker's server process runs on, as it would
            }

            @Override
            public Execution exec(SandboxId id, ExecRequest request, OutputListener listener) {
                alive();
                Execution execution = driver.exec(id, request, listener);
                return new Execution() {
                    @Override
                    public String id() {
                        return execution.id();
                    }

                    @Override
                    public void kill() {
                        alive();
                        execution.kill();
                    }

                    @Override
                    public CompletableFuture<ExecResult> result() {
                        return execution.result();
                    }
                };
            }

            @Override
            public Execution exec(SandboxId id, ExecRequest request, InputStream stdin, OutputListener listener) {
                alive();
                Execution execution = driver.exec(id, request, stdin, listener);
                return new Execution() {
                    @Override
                    public String id() {
                        return execution.id();
                    }

                    @Override
                    public void kill() {
                        alive();
                        execution.kill();
                    }

                    @Override
                    public CompletableFuture<ExecResult> result() {
                        return execution.result();
                    }
                };
            }

            @Override
            public void writeFile(SandboxId id, WorkspacePath path, InputStream content, long size) {
                alive();
                driver.writeFile(id, path, content, size);
            }

            @Override
            public SandboxFile openFile(SandboxId id, WorkspacePath path) {
                alive();
                return driver.openFile(id, path);
            }

            @Override
            public void ping() {
                alive();
                driver.ping();
            }

            @Override
            public void close() {
            }
        };
    }
}
