import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hibernation benchmark, run by {@code bench/hibernation/run.sh} (see docs/performance.md): how long
 * hibernating a session and waking it to its first command take, next to the raw engine's
 * {@code stop} and {@code start} + {@code exec} measured in the same run, round by round.
 */
public class HibernationBench {

    static final HttpClient http = HttpClient.newHttpClient();
    static final JsonMapper json = JsonMapper.builder().build();
    static String base;
    static String key;

    public static void main(String[] args) throws Exception {
        base = System.getenv("OC_BENCH_URL");
        String models = System.getenv("OC_BENCH_MODELS");
        int rounds = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_ROUNDS", "10"));
        Duration idle = Duration.parse("PT" + System.getenv("OC_BENCH_IDLE").toUpperCase());

        JsonNode created = post("/v1/tenants", "{\"name\":\"bench\"}", System.getenv("OC_BENCH_OPERATOR"));
        key = created.path("apiKey").path("key").asString();
        send(HttpRequest.newBuilder(URI.create(base + "/v1/secrets/model-key")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"value\":\"sk-bench\"}")));
        post("/v1/agents", "{\"name\":\"bench\",\"model\":\"claude-sonnet-4-5\",\"provider\":\"anthropic\","
                + "\"credential\":\"model-key\",\"limits\":{\"maxSteps\":1000}}", key);
        send(HttpRequest.newBuilder(URI.create(models + "/_script")).PUT(HttpRequest.BodyPublishers.ofString("""
                {"cursor":"per-conversation","onExhausted":"loop","turns":[
                  {"toolCalls":[{"name":"bash","input":{"command":"echo ready"}}]},{"text":"done"}]}""")));

        JsonNode session = post("/v1/sessions", "{\"agent\":\"bench\",\"input\":\"bench\"}", key);
        String id = session.path("id").asString();
        DockerClient engine = engine();
        String raw = engine.createContainerCmd(System.getenv("OC_BENCH_IMAGE")).withCmd("sleep", "3600")
                .withName("oc-bench-hibernation-raw-" + ProcessHandle.current().pid())
                .withHostConfig(HostConfig.newHostConfig().withInit(true).withNetworkMode("none")).exec().getId();
        engine.startContainerCmd(raw).exec();

        List<Double> oursHibernate = new ArrayList<>();
        List<Double> rawStop = new ArrayList<>();
        List<Double> oursWake = new ArrayList<>();
        List<Double> rawWake = new ArrayList<>();
        try {
            for (int round = -1; round < rounds; round++) { // round -1 warms up
                // ours: wait for the hibernation that follows the idle time
                long seen = awaitLast(id, "session.hibernated", Duration.ofMinutes(2));
                List<JsonNode> events = events(id);
                Instant idleAt = lastTime(events, "session.idle");
                Instant hibernatedAt = lastTime(events, "session.hibernated");
                double hibernate = (Duration.between(idleAt, hibernatedAt).toNanos() - idle.toNanos()) / 1e6;
                // ours: a message wakes it; until its first command has exited
                Instant sent = Instant.now();
                post("/v1/sessions/" + id + "/messages", "{\"text\":\"again\"}", key);
                awaitAfter(id, "command.exited", seen, Duration.ofMinutes(2));
                Instant exited = lastTime(events(id), "command.exited");
                double wake = Duration.between(sent, exited).toNanos() / 1e6;
                awaitAfter(id, "session.idle", seen, Duration.ofMinutes(2));

                // raw: stop, then start + exec until the first output
                long t = System.nanoTime();
                engine.stopContainerCmd(raw).withTimeout(10).exec();
                double stop = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                engine.startContainerCmd(raw).exec();
                String exec = engine.execCreateCmd(raw).withCmd("echo", "ready").withAttachStdout(true)
                        .withAttachStderr(true).exec().getId();
                CountDownLatch output = new CountDownLatch(1);
                try (var callback = engine.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        output.countDown();
                    }
                })) {
                    output.await(60, TimeUnit.SECONDS);
                    double rawStartExec = (System.nanoTime() - t) / 1e6;
                    if (round >= 0) {
                        oursHibernate.add(hibernate);
                        rawStop.add(stop);
                        oursWake.add(wake);
                        rawWake.add(rawStartExec);
                    }
                    callback.awaitCompletion(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            engine.removeContainerCmd(raw).withForce(true).exec();
            engine.close();
        }
        // where the last wake went: each event after the last message, in ms after the message was stored
        List<JsonNode> events = events(id);
        int message = 0;
        for (int i = 0; i < events.size(); i++) {
            if ("user.message".equals(events.get(i).path("type").asString())) {
                message = i;
            }
        }
        Instant stored = Instant.parse(events.get(message).path("time").asString());
        StringBuilder breakdown = new StringBuilder("last wake, ms after user.message:");
        for (JsonNode e : events.subList(message + 1, events.size())) {
            breakdown.append(String.format(" %s +%.1f", e.path("type").asString(),
                    Duration.between(stored, Instant.parse(e.path("time").asString())).toNanos() / 1e6));
        }
        System.out.println(breakdown);
        report("hibernate (session.idle -> session.hibernated, minus the idle time) vs raw stop", oursHibernate, rawStop);
        report("wake to first command (POST message -> command.exited) vs raw start + exec", oursWake, rawWake);
        figure("hibernate (ratio to raw stop, p50)", String.format("%.1f ms", p50(oursHibernate)),
                String.format("%.1f ms", p50(rawStop)), p50(oursHibernate) / p50(rawStop), "-");
        figure("wake -> first command (ratio to raw start + exec, p50)", String.format("%.1f ms", p50(oursWake)),
                String.format("%.1f ms", p50(rawWake)), p50(oursWake) / p50(rawWake), "<=1.1");
    }

    static void report(String what, List<Double> ours, List<Double> raw) {
        double oursP50 = p50(ours);
        double rawP50 = p50(raw);
        System.out.printf("%s, %d rounds: ours p50 %.1f ms (mean %.1f), raw p50 %.1f ms (mean %.1f), ratio p50 %.2f%n",
                what, ours.size(), oursP50, mean(ours), rawP50, mean(raw), oursP50 / rawP50);
    }

    static double p50(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    /** Waits until the log has an event of {@code type} after seq {@code afterSeq}; answers its seq. */
    static long awaitAfter(String id, String type, long afterSeq, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode e : events(id)) {
                if (e.path("seq").asLong() > afterSeq && type.equals(e.path("type").asString())) {
                    return e.path("seq").asLong();
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no " + type + " in " + id);
    }

    /** Waits for the next {@code type} after the last event of the log now... or the last one if it is that type. */
    static long awaitLast(String id, String type, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<JsonNode> events = events(id);
            JsonNode last = events.getLast();
            if (type.equals(last.path("type").asString())) {
                return last.path("seq").asLong();
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("no " + type + " in " + id);
    }

    static Instant lastTime(List<JsonNode> events, String type) {
        Instant found = null;
        for (JsonNode e : events) {
            if (type.equals(e.path("type").asString())) {
                found = Instant.parse(e.path("time").asString());
            }
        }
        if (found == null) {
            throw new IllegalStateException("no " + type);
        }
        return found;
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
