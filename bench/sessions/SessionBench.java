import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Session benchmark, run by {@code bench/sessions/run.sh} (see docs/performance.md): the control
 * plane's cost per agent step next to the raw work of a step, and crash-to-resume next to the
 * lease. Every figure is measured in this one run.
 */
public class SessionBench {

    static final HttpClient http = HttpClient.newHttpClient();
    static final JsonMapper json = JsonMapper.builder().build();
    static String base;
    static String key;

    public static void main(String[] args) throws Exception {
        base = System.getenv("OC_BENCH_URL");
        String models = System.getenv("OC_BENCH_MODELS");
        String db = System.getenv("OC_BENCH_DB");
        int steps = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_STEPS", "30"));
        Duration lease = Duration.parse("PT" + System.getenv("OC_BENCH_LEASE").toUpperCase());

        JsonNode created = post("/v1/tenants", "{\"name\":\"bench\"}", System.getenv("OC_BENCH_OPERATOR"));
        key = created.path("apiKey").path("key").asString();
        send(HttpRequest.newBuilder(URI.create(base + "/v1/secrets/model-key")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"sk-bench\"}")));
        post("/v1/agents", "{\"name\":\"bench\",\"model\":\"claude-sonnet-4-5\",\"provider\":\"anthropic\","
                + "\"credential\":\"model-key\",\"limits\":{\"maxSteps\":1000}}", key);

        // ---------------------------------------------------------------- 1. per-step overhead
        StringBuilder script = new StringBuilder("{\"cursor\":\"per-conversation\",\"turns\":[");
        for (int i = 0; i < steps; i++) {
            script.append("{\"toolCalls\":[{\"name\":\"bash\",\"input\":{\"command\":\"true\"}}]},");
        }
        script.append("{\"text\":\"done\"}]}");
        send(HttpRequest.newBuilder(URI.create(models + "/_script")).PUT(HttpRequest.BodyPublishers.ofString(script.toString())));
        // a warm-up session (JIT, connection pools, sandbox image cache), then the measured one
        runSession("warm up", Duration.ofMinutes(5));
        JsonNode session = runSession("measure", Duration.ofMinutes(10));
        List<JsonNode> events = events(session.path("id").asString());
        Instant started = time(events, "run.started");
        Instant idle = time(events, "session.idle");
        double perStep = Duration.between(started, idle).toNanos() / 1e6 / (steps + 1);
        // the model calls alone, from the model server's log: request arrival to the next request
        String container = "oc-" + session.path("sandboxId").asString();

        DockerClient engine = engine();
        List<Long> raw = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db)) {
            c.createStatement().execute("create table if not exists bench_raw (id bigserial primary key, data jsonb, created_at timestamptz)");
            for (int i = 0; i < steps + 5; i++) {
                long t = System.nanoTime();
                String exec = engine.execCreateCmd(container).withCmd("true").withAttachStdout(true).withAttachStderr(true)
                        .exec().getId();
                engine.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(60, TimeUnit.SECONDS);
                engine.inspectExecCmd(exec).exec().getExitCodeLong();
                try (PreparedStatement insert = c.prepareStatement("insert into bench_raw (data, created_at) values (cast(? as jsonb), now())")) {
                    insert.setString(1, "{\"exitCode\":0,\"output\":\"\"}");
                    insert.executeUpdate();
                }
                if (i >= 5) {
                    raw.add(System.nanoTime() - t);
                }
            }
        }
        double rawMean = raw.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6;
        Collections.sort(raw);
        System.out.printf("per agent step (model call + command.run/exec/command.exited + agent.message), %d steps: %.1f ms%n",
                steps + 1, perStep);
        System.out.printf("raw: docker exec true + 1 INSERT, mean %.1f ms (p50 %.1f ms)%n", rawMean, raw.get(raw.size() / 2) / 1e6);
        System.out.printf("ratio per step / raw: %.2f%n", perStep / rawMean);
        figure("per agent step (ratio to docker exec + 1 INSERT)", String.format("%.1f ms", perStep),
                String.format("%.1f ms", rawMean), perStep / rawMean, "<=1.3");

        // ---------------------------------------------------------------- 2. crash to resume
        send(HttpRequest.newBuilder(URI.create(models + "/_script")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"turns\":[{\"hang\":true},{\"text\":\"resumed\"}]}")));
        send(HttpRequest.newBuilder(URI.create(models + "/_requests")).DELETE());
        JsonNode crashing = post("/v1/sessions", "{\"agent\":\"bench\",\"input\":\"crash me\"}", key);
        String id = crashing.path("id").asString();
        awaitRequests(models, 1, Duration.ofMinutes(2));
        String owner;
        try (Connection c = DriverManager.getConnection(db);
                PreparedStatement q = c.prepareStatement("select lease_owner from sessions where id = ?")) {
            q.setString(1, id);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                owner = rs.getString(1);
            }
        }
        Map<String, Long> pids = new HashMap<>();
        for (String pair : System.getenv("OC_BENCH_PIDS").split(",")) {
            pids.put(pair.split("=")[0], Long.parseLong(pair.split("=")[1]));
        }
        ProcessHandle victim = ProcessHandle.of(pids.get(owner)).orElseThrow();
        Instant killed = Instant.now();
        victim.destroyForcibly();
        if ("bench-a".equals(owner)) {
            base = System.getenv("OC_BENCH_FALLBACK_URL");
        }
        Instant restarted = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (restarted == null && System.nanoTime() < deadline) {
            for (JsonNode e : events(id)) {
                if ("runtime.restarted".equals(e.path("type").asString())) {
                    restarted = Instant.parse(e.path("time").asString());
                }
            }
            Thread.sleep(50);
        }
        System.out.printf("crash-to-resume (kill -9 of %s mid model call -> runtime.restarted): %d ms; lease %d ms%n",
                owner, Duration.between(killed, restarted).toMillis(), lease.toMillis());
        figure("crash -> resume (ratio to the lease)", Duration.between(killed, restarted).toMillis() + " ms",
                lease.toMillis() + " ms", Duration.between(killed, restarted).toMillis() / (double) lease.toMillis(), "-");
        engine.close();
    }

    static JsonNode runSession(String input, Duration timeout) throws Exception {
        JsonNode session = post("/v1/sessions", "{\"agent\":\"bench\",\"input\":\"" + input + "\"}", key);
        String id = session.path("id").asString();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String status = get("/v1/sessions/" + id).path("status").asString();
            if (status.equals("idle") || status.equals("failed")) {
                if (status.equals("failed")) {
                    throw new IllegalStateException("session failed: " + events(id));
                }
                return session;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("session " + id + " did not go idle");
    }

    static List<JsonNode> events(String id) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = get("/v1/sessions/" + id + "/events?limit=1000&after=" + after);
            page.path("data").forEach(all::add);
            if (!page.path("hasMore").asBoolean()) {
                return all;
            }
            after = Long.parseLong(page.path("nextCursor").asString());
        }
    }

    static Instant time(List<JsonNode> events, String type) {
        return events.stream().filter(e -> type.equals(e.path("type").asString())).map(e -> Instant.parse(e.path("time").asString()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + type));
    }

    static void awaitRequests(String models, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode log = json.readTree(send(HttpRequest.newBuilder(URI.create(models + "/_requests")).GET()));
            JsonNode list = log.isArray() ? log : log.path("requests");
            if (list.size() >= count) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no model request");
    }

    static JsonNode post(String path, String body, String credential) throws Exception {
        return json.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + credential)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    static JsonNode get(String path) throws Exception {
        return json.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key).GET()));
    }

    static String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static DockerClient engine() {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).build());
    }

    /** A result line for bench/all.sh's table: FIGURE, name, ours, baseline, the compared value, target. */
    static void figure(String name, String ours, String baseline, double value, String target) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalStateException("BENCHMARK FAILED: " + name + " came to " + value);
        }
        System.out.printf(java.util.Locale.ROOT, "FIGURE\t%s\t%s\t%s\t%.2f\t%s%n", name, ours, baseline, value, target);
    }
}
