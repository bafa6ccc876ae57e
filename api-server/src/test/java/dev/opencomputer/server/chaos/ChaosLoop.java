package dev.opencomputer.server.chaos;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chaos loop (docs/chaos.md): two server processes (the real jar, every role) on one PostgreSQL
 * cluster and one Podman API service of the loop's own, a scripted model server, a few sessions at a
 * time running scripted multi-step work (commands that append a line to a counter file in the
 * workspace, file writes, model calls), and faults injected at random points from a printed seed:
 * {@code kill -9} of a server (then a restart), {@code SIGSTOP} past the lease then {@code SIGCONT},
 * {@code pg_terminate_backend} of every application connection, a PostgreSQL restart, a restart of the
 * container engine's API service, and a sandbox killed as a whole by its memory limit. Every session
 * that ends is checked against its log and its workspace, then closed, and its container must be gone:
 * the result is the line {@code faults N, lost L, duplicated D, re-run R, stuck S}.
 *
 * <p>Run by {@code bench/chaos/run.sh} (50 faults and more) and by {@link ChaosIT} (a short version in
 * {@code bin/test}); needs {@code api-server/target/opencomputer.jar}, PostgreSQL's binaries and Podman.
 */
public final class ChaosLoop {

    /** What one run does. {@code ports} 0 = any free port. */
    public record Options(int faults, long seed, int sessions, Duration lease, int pgPort, int portA, int portB,
            Set<Fault> kinds, Path workDir, Path repoRoot, Path jar) {
    }

    /** The faults the loop injects. */
    public enum Fault {
        KILL_SERVER, STOP_SERVER, TERMINATE_CONNECTIONS, RESTART_POSTGRES, RESTART_ENGINE, SANDBOX_OOM
    }

    /** The figures of a run; {@link #ok()} when nothing was lost, duplicated, re-run or stuck. */
    public record Summary(int faults, int lost, int duplicated, int rerun, int stuck, int sessions, List<String> problems) {
        public boolean ok() {
            return lost == 0 && duplicated == 0 && rerun == 0 && stuck == 0;
        }

        public String line() {
            return String.format(Locale.ROOT, "faults %d, lost %d, duplicated %d, re-run %d, stuck %d",
                    faults, lost, duplicated, rerun, stuck);
        }
    }

    static final String IMAGE = "localhost/opencomputer-sandbox-bb:latest";
    static final String INSTANCE = "chaos";
    static final String MEMORY = "64MB";
    /** Every step tags its counter line with its turn: a line twice is a command run twice. */
    static final List<ScriptedTurn> TURNS = List.of(
            ScriptedTurn.text("Step 1.").withToolCall("bash", "{\"command\":\"echo t1 >> /workspace/counter\"}"),
            ScriptedTurn.text("Step 2.").withToolCall("write_file", "{\"path\":\"notes/a.txt\",\"content\":\"alpha\"}")
                    .withDelay(Duration.ofMillis(300)),
            ScriptedTurn.text("Step 3.").withToolCall("bash", "{\"command\":\"sleep 1; echo t3 >> /workspace/counter\"}"),
            ScriptedTurn.text("Step 4.").withToolCall("bash", "{\"command\":\"echo t4 >> /workspace/counter; sleep 2\"}")
                    .withDelay(Duration.ofMillis(500)),
            ScriptedTurn.text("Step 5.").withToolCall("write_file", "{\"path\":\"notes/b.txt\",\"content\":\"beta\"}"),
            ScriptedTurn.text("Step 6.").withToolCall("bash", "{\"command\":\"sleep 2; echo t6 >> /workspace/counter\"}")
                    .withDelay(Duration.ofMillis(300)),
            ScriptedTurn.text("Step 7.").withToolCall("bash",
                    "{\"command\":\"cat notes/a.txt > /dev/null; echo t7 >> /workspace/counter\"}"),
            ScriptedTurn.text("Done."));
    static final Set<String> SETTLED = Set.of("idle", "failed", "exhausted");

    private final Options options;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final String operatorKey = "oc_op_chaos_" + UUID.randomUUID().toString().replace("-", "");
    private final String masterKey = "1:" + Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(32));
    private final List<Server> servers = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicInteger lost = new AtomicInteger();
    private final AtomicInteger duplicated = new AtomicInteger();
    private final AtomicInteger rerun = new AtomicInteger();
    private final AtomicInteger stuck = new AtomicInteger();
    private final AtomicInteger checked = new AtomicInteger();
    private final AtomicInteger sessionNumber = new AtomicInteger();
    private final AtomicLong lastFaultEnd = new AtomicLong(System.nanoTime());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Set<String> created = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final long started = System.nanoTime();
    private Path pgDir;
    private Path engineDir;
    private int pgPort;
    private String adminUrl;
    private String dbUrl;
    private String dockerHost;
    /** The loop's own client; replaced after each engine restart (its pooled connections die with the engine). */
    private volatile DockerClient engine;
    private ModelServer models;
    private String key;

    private ChaosLoop(Options options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /** Runs the loop; everything it started is stopped when it returns. */
    public static Summary run(Options options) throws Exception {
        ChaosLoop loop = new ChaosLoop(options);
        try {
            loop.setUp();
            return loop.loop();
        } finally {
            loop.tearDown();
        }
    }

    private DockerClient engineClient() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
    }

    /** {@code --faults N --seed S --sessions K --kinds a,b,…}; exits 1 when anything was lost etc. */
    public static void main(String[] args) throws Exception {
        Summary summary = run(parse(args));
        // bench/all.sh's table (figure, ours, baseline, value, target): each count must be 0
        int[] counts = {summary.lost(), summary.duplicated(), summary.rerun(), summary.stuck()};
        String[] names = {"lost", "duplicated", "re-run", "stuck"};
        for (int i = 0; i < counts.length; i++) {
            System.out.printf(Locale.ROOT, "FIGURE\tchaos loop: %s (over %d faults)\t%d\t-\t%d\t<=0%n",
                    names[i], summary.faults(), counts[i], counts[i]);
        }
        System.exit(summary.ok() ? 0 : 1);
    }

    static Options parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            given.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Map<String, String> env = System.getenv();
        int faults = Integer.parseInt(given.getOrDefault("faults", env.getOrDefault("OC_CHAOS_FAULTS", "50")));
        long seed = Long.parseLong(given.getOrDefault("seed", env.getOrDefault("OC_CHAOS_SEED",
                Long.toString(new SecureRandom().nextLong() & 0xffffffffL))));
        int sessions = Integer.parseInt(given.getOrDefault("sessions", env.getOrDefault("OC_CHAOS_SESSIONS", "3")));
        String kinds = given.getOrDefault("kinds", env.getOrDefault("OC_CHAOS_KINDS", "all"));
        Set<Fault> set = new HashSet<>();
        if (kinds.equals("all")) {
            set.addAll(List.of(Fault.values()));
        } else {
            for (String k : kinds.split(",")) {
                set.add(Fault.valueOf(k.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            }
        }
        Path root = findRoot();
        return new Options(faults, seed, sessions, Duration.ofSeconds(3),
                Integer.parseInt(env.getOrDefault("OC_CHAOS_PG_PORT", "0")),
                Integer.parseInt(env.getOrDefault("OC_CHAOS_PORT_A", "0")),
                Integer.parseInt(env.getOrDefault("OC_CHAOS_PORT_B", "0")), set,
                root.resolve(".data/chaos"), root, root.resolve("api-server/target/opencomputer.jar"));
    }

    static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("bench/chaos/lib.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repository (no bench/chaos/lib.sh above " + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    // ------------------------------------------------------------------------------------ set-up

    private void setUp() throws Exception {
        say("seed %d, %d faults of %s, %d sessions at a time, lease %d ms", options.seed(), options.faults(),
                options.kinds(), options.sessions(), options.lease().toMillis());
        if (!Files.isRegularFile(options.jar())) {
            throw new IllegalStateException("no server jar at " + options.jar() + " (./mvnw -pl api-server -am package)");
        }
        Files.createDirectories(options.workDir());
        // the servers restart from a copy: a rebuild while the loop runs does not change them
        Files.copy(options.jar(), options.workDir().resolve("opencomputer.jar"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        pgDir = options.workDir().resolve("pg");
        engineDir = options.workDir().resolve("podman");
        pgPort = options.pgPort() == 0 ? freePort() : options.pgPort();
        adminUrl = lib("chaos_pg_start", pgDir.toString(), Integer.toString(pgPort)).trim();
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("drop database if exists chaos with (force)");
            s.execute("create database chaos");
        }
        dbUrl = adminUrl.replace("/postgres?", "/chaos?");
        String hostLine = lib("chaos_engine_start", engineDir.toString()).trim();
        dockerHost = hostLine.substring(hostLine.lastIndexOf('\n') + 1);
        engine = engineClient();
        models = ModelServer.start(ModelScript.of(TURNS.toArray(ScriptedTurn[]::new)));
        say("PostgreSQL %s, engine %s, model server %s", dbUrl, dockerHost, models.anthropicBaseUrl());
        servers.add(new Server("chaos-a", options.portA() == 0 ? freePort() : options.portA()));
        servers.add(new Server("chaos-b", options.portB() == 0 ? freePort() : options.portB()));
        servers.get(0).start();
        servers.get(0).awaitHealthy();
        servers.get(1).start();
        servers.get(1).awaitHealthy();
        JsonNode tenant = call("POST", "/v1/tenants", operatorKey, "{\"name\":\"chaos\"}", 201);
        key = tenant.path("apiKey").path("key").asString();
        call("PUT", "/v1/secrets/model-key", key, "{\"value\":\"sk-chaos\"}", 0);
        call("POST", "/v1/agents", key, "{\"name\":\"chaos\",\"model\":\"claude-sonnet-4-5\",\"provider\":\"anthropic\","
                + "\"credential\":\"model-key\",\"limits\":{\"maxSteps\":100}}", 201);
    }

    private void tearDown() {
        stopping.set(true);
        for (Server s : servers) {
            s.kill();
        }
        if (models != null) {
            models.close();
        }
        try {
            if (engineDir != null) {
                lib("chaos_engine_stop", engineDir.toString());
            }
        } catch (Exception e) {
            say("could not stop the engine: %s", e.getMessage());
        }
        try {
            if (pgDir != null) {
                lib("chaos_pg_stop", pgDir.toString());
            }
        } catch (Exception e) {
            say("could not stop PostgreSQL: %s", e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------ the loop

    private Summary loop() throws Exception {
        List<Thread> drivers = new ArrayList<>();
        for (int i = 0; i < options.sessions(); i++) {
            Thread t = Thread.ofPlatform().name("chaos-driver-" + i).start(this::drive);
            drivers.add(t);
        }
        List<Fault> kinds = new ArrayList<>(options.kinds());
        kinds.sort(null);
        for (int n = 1; n <= options.faults(); n++) {
            Thread.sleep(1000 + random.nextInt(5000));
            Fault fault = kinds.get(random.nextInt(kinds.size()));
            long t = System.nanoTime();
            String what = inject(fault);
            lastFaultEnd.set(System.nanoTime());
            say("fault %d/%d %s: %s (%d ms); sessions checked %d, problems %d", n, options.faults(), fault, what,
                    (System.nanoTime() - t) / 1_000_000, checked.get(), problems.size());
        }
        say("all faults injected; letting the sessions in flight end");
        stopping.set(true);
        for (Thread t : drivers) {
            t.join(Duration.ofMinutes(6));
            if (t.isAlive()) {
                problem("stuck", "driver %s did not end", t.getName());
                stuck.incrementAndGet();
                t.interrupt();
            }
        }
        sweep();
        Summary summary = new Summary(options.faults(), lost.get(), duplicated.get(), rerun.get(), stuck.get(),
                checked.get(), List.copyOf(problems));
        problems.forEach(p -> System.out.println("PROBLEM " + p));
        System.out.printf(Locale.ROOT, "sessions %d checked, seed %d, %d s%n", summary.sessions(), options.seed(),
                (System.nanoTime() - started) / 1_000_000_000L);
        System.out.println(summary.line());
        return summary;
    }

    /**
     * After the run: every session of the tenant is one a driver created (one per Idempotency-Key: a
     * second is a create that ran twice), and with all closed no container of the loop is left.
     */
    private void sweep() throws Exception {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = callRetrying("GET", "/v1/sessions?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), key, null, null);
            page.path("data").forEach(s -> all.add(s.path("id").asString()));
            cursor = page.path("nextCursor").isMissingNode() || page.path("nextCursor").isNull() ? null : page.path("nextCursor").asString();
        } while (cursor != null && !cursor.isEmpty());
        for (String id : all) {
            if (!created.contains(id)) {
                duplicated.incrementAndGet();
                problem("duplicated", "session %s exists but no create returned it (a create that ran twice)", id);
                callRetrying("POST", "/v1/sessions/" + id + "/close", key, "", null);
            }
        }
        long gone = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<Container> left;
        while (!(left = engine.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("dev.opencomputer.instance", INSTANCE)).exec()).isEmpty()) {
            if (System.nanoTime() > gone) {
                stuck.incrementAndGet();
                problem("stuck", "containers left after every session closed: %s",
                        left.stream().map(c -> c.getNames()[0] + " " + c.getState()).toList());
                break;
            }
            Thread.sleep(500);
        }
        say("sweep: %d sessions in the tenant, %d created by the drivers", all.size(), created.size());
    }

    /** One of the concurrent sessions: start, await its end, check, close, check the container is gone; again. */
    private void drive() {
        while (!stopping.get()) {
            int n = sessionNumber.incrementAndGet();
            try {
                runOne(n);
            } catch (Exception e) {
                problem("stuck", "session #%d: the harness could not drive it: %s", n, e);
                stuck.incrementAndGet();
            }
        }
    }

    private void runOne(int n) throws Exception {
        String idem = "chaos-" + options.seed() + "-" + n;
        JsonNode session = callRetrying("POST", "/v1/sessions", key,
                "{\"agent\":\"chaos\",\"input\":\"chaos session " + n + " of seed " + options.seed() + "\"}", idem);
        String id = session.path("id").asString();
        String sandbox = session.path("sandboxId").asString();
        created.add(id);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        String status = "";
        while (true) {
            JsonNode view = callRetrying("GET", "/v1/sessions/" + id, key, null, null);
            status = view.path("status").asString();
            if (SETTLED.contains(status)) {
                break;
            }
            long quietSince = lastFaultEnd.get();
            if (System.nanoTime() > Math.max(deadline, quietSince + Duration.ofMinutes(2).toNanos())) {
                stuck.incrementAndGet();
                problem("stuck", "session #%d %s still %s", n, id, status);
                return;
            }
            Thread.sleep(500);
        }
        check(n, id, sandbox, status);
        // close (retried through faults), then its container and workspace must be gone
        callRetrying("POST", "/v1/sessions/" + id + "/close", key, "", null);
        long gone = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!containers(sandbox).isEmpty()) {
            if (System.nanoTime() > gone) {
                stuck.incrementAndGet();
                problem("stuck", "session #%d %s: container of sandbox %s still there after close: %s", n, id, sandbox,
                        containers(sandbox).stream().map(c -> c.getState()).toList());
                return;
            }
            Thread.sleep(500);
        }
        checked.incrementAndGet();
    }

    /** The log and the workspace of a session that ended. */
    private void check(int n, String id, String sandbox, String status) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        String after = "0";
        while (true) {
            JsonNode page = callRetrying("GET", "/v1/sessions/" + id + "/events?limit=1000&after=" + after, key, null, null);
            page.path("data").forEach(events::add);
            after = page.path("nextCursor").asString();
            if (!page.path("hasMore").asBoolean()) {
                break;
            }
        }
        String tag = "session #" + n + " " + id;
        // seqs gapless, none twice
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            long seq = events.get(i).path("seq").asLong();
            if (!seen.add(seq)) {
                duplicated.incrementAndGet();
                problem("duplicated", "%s: seq %d twice", tag, seq);
            } else if (seq != i + 1) {
                lost.incrementAndGet();
                problem("lost", "%s: seq %d at position %d (a gap)", tag, seq, i + 1);
            }
        }
        // no event twice: one command.run / command.exited / tool.call / tool.result per call, one
        // agent.message per model message id
        Map<String, Integer> once = new HashMap<>();
        Map<String, String> commandOf = new HashMap<>();
        Map<String, Integer> exitOf = new HashMap<>();
        String failure = null;
        for (JsonNode e : events) {
            String type = e.path("type").asString();
            JsonNode data = e.path("data");
            String unique = switch (type) {
                case "command.run", "command.exited", "tool.call", "tool.result" -> type + " " + data.path("callId").asString();
                case "agent.message" -> data.path("messageId").isMissingNode() || data.path("messageId").isNull()
                        ? null : type + " " + data.path("messageId").asString();
                default -> null;
            };
            if (unique != null && once.merge(unique, 1, Integer::sum) > 1) {
                duplicated.incrementAndGet();
                problem("duplicated", "%s: %s twice (seq %d)", tag, unique, e.path("seq").asLong());
            }
            if (type.equals("command.run")) {
                commandOf.put(data.path("callId").asString(), data.path("command").asString());
            }
            if (type.equals("command.exited")) {
                exitOf.put(data.path("callId").asString(), data.path("exitCode").asInt());
            }
            if (type.equals("session.failed")) {
                failure = data.path("reason").asString();
            }
        }
        // the session ended idle or with a typed failure
        String last = events.isEmpty() ? "" : events.getLast().path("type").asString();
        if (status.equals("failed") && (failure == null || failure.isBlank())) {
            stuck.incrementAndGet();
            problem("stuck", "%s: failed without a reason (last event %s)", tag, last);
        }
        // the workspace: counter lines = completed command.exited, none twice
        Map<String, Integer> lines = new HashMap<>();
        for (String line : counter(sandbox).split("\n")) {
            if (!line.isBlank()) {
                lines.merge(line.trim(), 1, Integer::sum);
            }
        }
        Set<String> tagsRun = new HashSet<>();
        for (var command : commandOf.entrySet()) {
            String t = counterTag(command.getValue());
            if (t == null) {
                continue;
            }
            tagsRun.add(t);
            int count = lines.getOrDefault(t, 0);
            Integer exit = exitOf.get(command.getKey());
            if (count > 1) {
                rerun.incrementAndGet();
                problem("re-run", "%s: %s appended %d times (command %s, exit %s)", tag, t, count, command.getKey(), exit);
            } else if (exit != null && exit == 0 && count == 0) {
                lost.incrementAndGet();
                problem("lost", "%s: %s exited 0 but its line is missing from the counter", tag, t);
            }
        }
        for (var line : lines.entrySet()) {
            if (!tagsRun.contains(line.getKey())) {
                rerun.incrementAndGet();
                problem("re-run", "%s: counter line %s (x%d) with no command.run in the log", tag, line.getKey(), line.getValue());
            }
        }
        long restarts = events.stream().filter(e -> e.path("type").asString().equals("runtime.restarted")).count();
        long crashes = events.stream().filter(e -> e.path("type").asString().equals("runtime.crashed")).count();
        say("  checked %s: %s%s, %d events, %d commands (%d exited), %d restarts, %d sandbox crashes, counter %s",
                tag, status, failure == null ? "" : " (" + failure + ")", events.size(), commandOf.size(), exitOf.size(),
                restarts, crashes, lines);
    }

    private static String counterTag(String command) {
        var m = java.util.regex.Pattern.compile("echo (t\\d+) >> /workspace/counter").matcher(command);
        return m.find() ? m.group(1) : null;
    }

    // ------------------------------------------------------------------------------------ faults

    private String inject(Fault fault) throws Exception {
        return switch (fault) {
            case KILL_SERVER -> {
                Server s = servers.get(random.nextInt(servers.size()));
                long pid = s.pid();
                s.kill();
                s.start();
                s.awaitHealthy();
                yield "kill -9 of " + s.name + " (pid " + pid + "), restarted as pid " + s.pid();
            }
            case STOP_SERVER -> {
                Server s = servers.get(random.nextInt(servers.size()));
                long pause = options.lease().toMillis() + 1000 + random.nextInt(3000);
                signal("STOP", s.pid());
                Thread.sleep(pause);
                signal("CONT", s.pid());
                yield "SIGSTOP of " + s.name + " for " + pause + " ms (lease " + options.lease().toMillis() + " ms), SIGCONT";
            }
            case TERMINATE_CONNECTIONS -> {
                int killed = 0;
                try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity "
                                + "where datname = 'chaos' and pid <> pg_backend_pid()")) {
                    rs.next();
                    killed = rs.getInt(1);
                }
                yield "pg_terminate_backend of " + killed + " application connections";
            }
            case RESTART_POSTGRES -> {
                String mode = random.nextBoolean() ? "fast" : "immediate";
                lib("chaos_pg_restart", pgDir.toString(), mode);
                yield "PostgreSQL restart -m " + mode;
            }
            case RESTART_ENGINE -> {
                lib("chaos_engine_restart", engineDir.toString());
                // a kept-alive connection to the killed service answers the next call with a broken pipe
                DockerClient stale = engine;
                engine = engineClient();
                try {
                    stale.close();
                } catch (java.io.IOException e) {
                    // only its dead connections
                }
                yield "kill -9 of the Podman API service, then a new one";
            }
            case SANDBOX_OOM -> {
                List<Container> running = engine.listContainersCmd()
                        .withLabelFilter(Map.of("dev.opencomputer.instance", INSTANCE)).exec();
                if (running.isEmpty()) {
                    yield "no sandbox running: nothing to kill";
                }
                Container victim = running.get(random.nextInt(running.size()));
                // PID 1 the OOM killer's first choice, then many small allocations past the limit
                String exec = engine.execCreateCmd(victim.getId()).withCmd("sh", "-c",
                        "echo 1000 > /proc/1/oom_score_adj; for i in $(seq 1 16); do "
                                + "dd if=/dev/zero of=/dev/null bs=8M count=100000 2>/dev/null & done; wait")
                        .withAttachStdout(true).withAttachStderr(true).exec().getId();
                engine.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(60, TimeUnit.SECONDS);
                String state = engine.inspectContainerCmd(victim.getId()).exec().getState().getStatus();
                yield "memory hog in " + victim.getNames()[0] + " (limit " + MEMORY + "): container " + state;
            }
        };
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------ the sandbox

    private List<Container> containers(String sandbox) {
        while (true) {
            try {
                return engine.listContainersCmd().withShowAll(true)
                        .withLabelFilter(Map.of("dev.opencomputer.sandbox", sandbox)).exec();
            } catch (RuntimeException e) {
                sleepQuietly(500); // the engine is restarting
            }
        }
    }

    /** The workspace's counter file, read from the volume on the host (whether the container runs or not). */
    private String counter(String sandbox) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                String mount = engine.inspectVolumeCmd("oc-" + sandbox + "-workspace").exec().getMountpoint();
                Path file = Path.of(mount, "counter");
                return Files.isRegularFile(file) ? Files.readString(file) : "";
            } catch (RuntimeException e) {
                if (attempt > 120) {
                    throw e;
                }
                sleepQuietly(500);
            }
        }
    }

    // ------------------------------------------------------------------------------------ servers

    private final class Server {
        final String name;
        final int port;
        volatile Process process;

        Server(String name, int port) {
            this.name = name;
            this.port = port;
        }

        void start() throws IOException {
            String javaBin = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(javaBin, "-Xmx320m", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-jar", options.workDir().resolve("opencomputer.jar").toString(),
                    "--server.port=" + port,
                    "--spring.datasource.url=" + dbUrl,
                    "--opencomputer.brain.worker-id=" + name,
                    "--opencomputer.brain.anthropic-base-url=" + models.anthropicBaseUrl(),
                    "--opencomputer.brain.lease-duration=" + options.lease().toMillis() + "ms",
                    "--opencomputer.brain.heartbeat-interval=1s",
                    "--opencomputer.brain.claim-interval=200ms",
                    "--opencomputer.sandbox.docker-host=" + dockerHost,
                    "--opencomputer.sandbox.instance=" + INSTANCE,
                    "--opencomputer.sandbox.default-image=" + IMAGE,
                    "--opencomputer.sandbox.default-memory=" + MEMORY,
                    "--opencomputer.sandbox.reap-interval=5s", // a failed start's sandbox goes within ~15 s
                    "--logging.level.root=WARN", "--logging.level.dev.opencomputer=INFO"));
            Path log = options.workDir().resolve("server-" + name + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("OPENCOMPUTER_OPERATOR_KEY", operatorKey);
            builder.environment().put("OPENCOMPUTER_SECRETS_MASTER_KEY", masterKey);
            builder.environment().put("SPRING_APPLICATION_JSON", "{\"opencomputer\":{\"api\":{\"tiers\":{\"standard\":"
                    + "{\"requests-per-minute\":100000000,\"requests-per-minute-per-key\":100000000,\"max-streams\":100000,"
                    + "\"max-pending-sessions\":100000,\"max-live-sandboxes\":1000,\"max-running-sessions\":1000}}}}}");
            builder.environment().remove("DOCKER_HOST");
            Files.writeString(log, "---- start " + name + " at " + java.time.Instant.now() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            process = builder.start();
        }

        void awaitHealthy() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited; see " + options.workDir().resolve("server-" + name + ".log"));
                }
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(300);
            }
            throw new IllegalStateException(name + " did not become healthy");
        }

        long pid() {
            return process.pid();
        }

        void kill() {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
                try {
                    p.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------ HTTP

    /** One call to the first server that answers it (either serves the whole API). */
    private JsonNode call(String method, String path, String bearer, String body, int expect) throws Exception {
        HttpResponse<String> r = send(servers.getFirst(), method, path, bearer, body, null);
        if (expect != 0 && r.statusCode() != expect || r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? json.createObjectNode() : json.readTree(r.body());
    }

    /**
     * A call retried through the faults, alternating servers, for up to 3 minutes: a connection refused
     * (server down), a timeout (stopped), a 5xx (database or engine away) are faults, not answers. A 4xx
     * is an answer and fails.
     */
    private JsonNode callRetrying(String method, String path, String bearer, String body, String idempotencyKey)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String lastError = "";
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Server server = servers.get((attempt + (int) Thread.currentThread().threadId()) % servers.size());
            try {
                HttpResponse<String> r = send(server, method, path, bearer, body, idempotencyKey);
                if (r.statusCode() / 100 == 2) {
                    return r.body().isEmpty() ? json.createObjectNode() : json.readTree(r.body());
                }
                lastError = r.statusCode() + " " + r.body();
                if (r.statusCode() / 100 == 4 && r.statusCode() != 409 && r.statusCode() != 429) {
                    throw new IllegalStateException(method + " " + path + " answered " + lastError);
                }
            } catch (IOException e) {
                lastError = e.toString();
            }
            Thread.sleep(Math.min(2000, 200L * (attempt + 1)));
        }
        throw new IllegalStateException(method + " " + path + " failed for 3 minutes: " + lastError);
    }

    private HttpResponse<String> send(Server server, String method, String path, String bearer, String body,
            String idempotencyKey) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + bearer);
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------ helpers

    /** Runs a function of bench/chaos/lib.sh; its standard output. */
    private String lib(String function, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c",
                "source bench/chaos/lib.sh && " + function + " \"$@\"", function));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(options.repoRoot().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(function + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + "): " + out);
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void problem(String kind, String format, Object... args) {
        String text = kind + ": " + String.format(Locale.ROOT, format, args);
        problems.add(text);
        say("PROBLEM %s", text);
    }

    private void say(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[chaos %5.1fs] %s%n", (System.nanoTime() - started) / 1e9,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
