package dev.opencomputer.brain;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.StaleFencingTokenException;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.sandbox.CapturedOutput;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.sandbox.Termination;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.function.Function;

/** In-memory fakes of the ports a run reaches, for unit tests of its decisions. */
final class RunFakes {

    private RunFakes() {
    }


    /** One session's log in memory: fenced appends, reads, and live delivery to subscribers. */
    static final class Log implements EventLog {
        final List<LoggedEvent> events = new CopyOnWriteArrayList<>();
        final List<EphemeralEvent> published = new CopyOnWriteArrayList<>();
        private final List<Flow.Subscriber<? super StreamItem>> subscribers = new CopyOnWriteArrayList<>();
        private final Clock clock;
        volatile long token;

        Log(Clock clock) {
            this.clock = clock;
        }

        private List<LoggedEvent> add(SessionId session, List<? extends SessionEvent> added) {
            List<LoggedEvent> logged = new ArrayList<>();
            synchronized (this) {
                for (SessionEvent event : added) {
                    LoggedEvent one = new LoggedEvent(session, events.size() + 1, clock.instant(), event);
                    events.add(one);
                    logged.add(one);
                }
            }
            for (LoggedEvent one : logged) {
                subscribers.forEach(s -> s.onNext(StreamItem.of(one, "{}")));
            }
            return logged;
        }

        List<String> types() {
            return events.stream().map(LoggedEvent::type).toList();
        }

        /** The events after {@code seq}. */
        List<SessionEvent> after(long seq) {
            return events.stream().filter(e -> e.seq() > seq).map(LoggedEvent::event).toList();
        }

        @Override
        public List<LoggedEvent> create(NewSession session, List<? extends SessionEvent> firstEvents) {
            return add(session.id(), firstEvents);
        }

        @Override
        public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> added) {
            return add(session, added);
        }

        @Override
        public List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> added, long fencingToken) {
            if (fencingToken != token) {
                throw new StaleFencingTokenException(session, fencingToken, token);
            }
            return add(session, added);
        }

        @Override
        public List<LoggedEvent> readAfter(SessionId session, long afterSeq, int limit) {
            return events.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
        }

        @Override
        public Flow.Publisher<StreamItem> subscribe(SessionId session, long afterSeq) {
            return subscriber -> {
                subscribers.add(subscriber);
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                        subscribers.remove(subscriber);
                    }
                });
            };
        }

        @Override
        public void publish(SessionId session, EphemeralEvent event) {
            published.add(event);
        }
    }

    /**
     * A sandbox that is always running: a command exits 0 with its {@code echo} text at once, unless
     * the test made it hang ({@link #hang}); a hanging command ends only when killed.
     */
    static final class Sandbox implements SandboxDriver {
        final List<List<String>> commands = new CopyOnWriteArrayList<>();
        final List<String> killed = new CopyOnWriteArrayList<>();
        private final Set<String> hanging = ConcurrentHashMap.newKeySet();

        void hang(String command) {
            hanging.add(command);
        }

        /** The {@code bash} commands that ran (not the brain's own housekeeping). */
        List<String> toolCommands() {
            return commands.stream().filter(c -> c.size() == 3 && c.get(0).equals("/bin/sh")).map(c -> c.get(2))
                    .toList();
        }

        /** The tool calls whose leftovers were looked for and killed. */
        List<String> leftoversKilled() {
            return commands.stream().filter(c -> c.contains("kill-leftovers")).map(List::getLast).toList();
        }

        @Override
        public Execution exec(SandboxId id, ExecRequest request, OutputListener listener) {
            commands.add(request.command());
            String command = request.command().getLast();
            CompletableFuture<ExecResult> result = new CompletableFuture<>();
            if (!hanging.contains(command)) {
                result.complete(new ExecResult(0, Termination.EXITED, CapturedOutput.EMPTY, CapturedOutput.EMPTY,
                        Duration.ofMillis(5)));
            }
            String executionId = UUID.randomUUID().toString();
            return new Execution() {
                @Override
                public String id() {
                    return executionId;
                }

                @Override
                public void kill() {
                    killed.add(command);
                    result.complete(new ExecResult(137, Termination.KILLED, CapturedOutput.EMPTY,
                            CapturedOutput.EMPTY, Duration.ofMillis(5)));
                }

                @Override
                public CompletableFuture<ExecResult> result() {
                    return result;
                }
            };
        }

        @Override
        public SandboxState inspect(SandboxId id) {
            return new SandboxState(id, null, "image", SandboxStatus.RUNNING, null, false, null, null, null, null,
                    null, Map.of());
        }

        @Override
        public SandboxState create(SandboxSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(SandboxId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(SandboxId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(SandboxId id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<SandboxState> list() {
            return List.of();
        }

        @Override
        public void writeFile(SandboxId id, WorkspacePath path, InputStream content, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SandboxFile openFile(SandboxId id, WorkspacePath path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void ping() {
        }

        @Override
        public void close() {
        }
    }

    /** A model that answers from a script, one entry per call; {@link #hanging()} never answers until cancelled. */
    static final class Models implements ModelClient {
        final List<ModelRequest> requests = new CopyOnWriteArrayList<>();
        final List<ModelCall> cancelled = new CopyOnWriteArrayList<>();
        private final ConcurrentLinkedDeque<Function<ModelRequest, ModelCall>> script = new ConcurrentLinkedDeque<>();

        Models then(Function<ModelRequest, ModelCall> answer) {
            script.add(answer);
            return this;
        }

        Models thenRespond(ModelResponse response) {
            return then(request -> answering(response));
        }

        Models thenHang() {
            return then(request -> hanging());
        }

        static ModelCall answering(ModelResponse response) {
            return new ModelCall() {
                @Override
                public ModelResponse await() {
                    return response;
                }

                @Override
                public boolean isDone() {
                    return true;
                }

                @Override
                public void cancel() {
                }
            };
        }

        ModelCall hanging() {
            CompletableFuture<ModelResponse> never = new CompletableFuture<>();
            return new ModelCall() {
                @Override
                public ModelResponse await() throws ModelCallException, InterruptedException {
                    try {
                        return never.get();
                    } catch (ExecutionException e) {
                        throw (ModelCallException) e.getCause();
                    }
                }

                @Override
                public boolean isDone() {
                    return never.isDone();
                }

                @Override
                public void cancel() {
                    cancelled.add(this);
                    never.completeExceptionally(new ModelCallException(ModelProvider.ANTHROPIC, ModelFailure.CANCELLED,
                            "cancelled", 0, null, null));
                }
            };
        }

        @Override
        public ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener) {
            requests.add(request);
            Function<ModelRequest, ModelCall> next = script.poll();
            if (next == null) {
                throw new AssertionError("the model was called more often than scripted: " + requests.size());
            }
            return next.apply(request);
        }

        @Override
        public void close() {
        }
    }

    /** Leases that are always still held; remembers what was released. */
    static final class Leases implements SessionLeases {
        final List<Lease> released = new CopyOnWriteArrayList<>();

        @Override
        public List<Lease> claim(String owner, int limit, Duration duration) {
            return List.of();
        }

        @Override
        public List<Lease> claimIdle(String owner, Collection<SessionId> sessions, Instant idleBefore,
                Duration duration) {
            return List.of();
        }

        @Override
        public Set<SessionId> renew(String owner, Collection<Lease> leases, Duration duration) {
            return Set.of();
        }

        @Override
        public boolean release(String owner, Lease lease) {
            released.add(lease);
            return true;
        }
    }

    /** A secret store holding one model key for every tenant. */
    static final class Secrets implements SecretStore {
        @Override
        public SecretValue reveal(String tenant, SecretName name, String who) {
            return SecretValue.of("sk-unit-test");
        }

        @Override
        public SecretWritten put(String tenant, SecretName name, SecretValue value) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<SecretMetadata> find(String tenant, SecretName name) {
            return Optional.empty();
        }

        @Override
        public List<SecretMetadata> list(String tenant, SecretName after, int limit) {
            return List.of();
        }

        @Override
        public boolean delete(String tenant, SecretName name) {
            return false;
        }

        @Override
        public KeyringStatus verifyKeyring() {
            throw new UnsupportedOperationException();
        }

        @Override
        public RewrapReport rewrap() {
            throw new UnsupportedOperationException();
        }
    }
}
