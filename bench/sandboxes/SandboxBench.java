import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sandbox benchmark: our API against the raw Docker Engine API on the same image, measured in one run.
 *
 * <ul>
 *   <li>cold start: {@code POST /v1/sandboxes} then the first stdout event of {@code POST …/exec}
 *       (SSE, {@code echo ready}) — versus the engine's {@code docker run -d} (create + start, same
 *       image and hardening) then {@code docker exec} of the same command until its first output;</li>
 *   <li>exec round trip on a running sandbox: {@code POST …/exec ["true"]} (JSON result with exit
 *       code) — versus exec create + start + inspect for the exit code.</li>
 * </ul>
 * Environment: OC_BENCH_URL, OC_BENCH_KEY (tenant API key), DOCKER_HOST, OC_BENCH_IMAGE, OC_BENCH_ROUNDS.
 */
public class SandboxBench {

    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(sbx_[0-9a-f]{24})\"");

    static String base;
    static String key;
    static DockerClient engine;
    static String image;

    public static void main(String[] args) throws Exception {
        base = env("OC_BENCH_URL", "http://127.0.0.1:18080");
        key = env("OC_BENCH_KEY", null);
        image = env("OC_BENCH_IMAGE", "localhost/opencomputer-sandbox-bb:latest");
        int rounds = Integer.parseInt(env("OC_BENCH_ROUNDS", "20"));
        String host = env("DOCKER_HOST", "unix:///var/run/docker.sock");
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
        engine = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).maxConnections(64).build());

        System.out.printf("sandbox benchmark: %s vs raw engine %s, image %s, %d rounds%n", base, host, image, rounds);
        removeLeftovers();
        try {
            run(rounds);
        } finally {
            removeLeftovers();
            engine.close();
        }
    }

    /**
     * Removes what an interrupted run may have left: raw containers and volumes named
     * {@code oc-bench-raw-*}, and sandboxes of the bench server's own instance ({@code bench}).
     */
    static void removeLeftovers() {
        for (var c : engine.listContainersCmd().withShowAll(true).exec()) {
            boolean raw = java.util.Arrays.stream(c.getNames()).anyMatch(n -> n.startsWith("/oc-bench-raw-"));
            boolean ours = c.getLabels() != null && "bench".equals(c.getLabels().get("dev.opencomputer.instance"));
            if (raw || ours) {
                engine.removeContainerCmd(c.getId()).withForce(true).exec();
            }
        }
        var volumes = engine.listVolumesCmd().exec().getVolumes();
        for (var v : volumes == null ? List.<com.github.dockerjava.api.command.InspectVolumeResponse>of() : volumes) {
            boolean raw = v.getName().startsWith("oc-bench-raw-");
            boolean ours = v.getLabels() != null && "bench".equals(v.getLabels().get("dev.opencomputer.instance"));
            if (raw || ours) {
                try {
                    engine.removeVolumeCmd(v.getName()).exec();
                } catch (RuntimeException e) {
                    System.err.println("could not remove volume " + v.getName() + ": " + e.getMessage());
                }
            }
        }
    }

    static void run(int rounds) throws Exception {
        String sandbox = createSandbox();
        String container = runRaw();
        // Warm-up: the server is a long-running JVM, so its request paths are JIT-compiled before we
        // measure; connection pools fill; image layers sit in the page cache.
        for (int i = 0; i < 150; i++) {
            execOurs(sandbox);
            execRaw(container);
        }
        for (int i = 0; i < 50; i++) {
            firstOutput(sandbox);
            execFirstOutput(container, "echo", "ready");
        }
        for (int i = 0; i < WARM_UP; i++) {
            ours();
            raw(false);
            raw(true);
        }
        oursCreate.clear();
        rawCreate.clear();
        rawVolumeCreate.clear();
        List<Long> oursCold = new ArrayList<>();
        List<Long> rawCold = new ArrayList<>();
        List<Long> rawVolumeCold = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            // Interleaved so that drift (other load on the machine) hits every side alike.
            oursCold.add(ours());
            rawCold.add(raw(false));
            rawVolumeCold.add(raw(true));
        }
        System.out.println("baseline A = docker run -d (same image, same --init/--network none/--cap-drop/limits) + docker exec");
        System.out.println("baseline B = the same plus the per-sandbox workspace volume (docker volume create + run -d -v)");
        report("create -> first output vs A", oursCold, rawCold);
        figure("sandbox create -> first output (ratio to raw run -d + exec, p50)",
                String.format("%.1f ms", percentile(oursCold, 50)), String.format("%.1f ms", percentile(rawCold, 50)),
                percentile(oursCold, 50) / percentile(rawCold, 50), "<=1.1");
        report("  of which create+start vs A", oursCreate, rawCreate);
        report("create -> first output vs B", oursCold, rawVolumeCold);
        report("  of which create+start vs B", oursCreate, rawVolumeCreate);

        List<Long> oursExec = new ArrayList<>();
        List<Long> rawExec = new ArrayList<>();
        for (int i = 0; i < rounds * 5; i++) {
            oursExec.add(execOurs(sandbox));
            rawExec.add(execRaw(container));
        }
        report("exec round trip (true)", oursExec, rawExec);
        figure("exec round trip (ratio to raw exec, p50)", String.format("%.1f ms", percentile(oursExec, 50)),
                String.format("%.1f ms", percentile(rawExec, 50)), percentile(oursExec, 50) / percentile(rawExec, 50), "-");
        List<Long> oursStream = new ArrayList<>();
        List<Long> rawStream = new ArrayList<>();
        for (int i = 0; i < rounds * 2; i++) {
            long t = System.nanoTime();
            oursStream.add(firstOutput(sandbox) - t);
            t = System.nanoTime();
            rawStream.add(execFirstOutput(container, "echo", "ready") - t);
        }
        report("exec first output (SSE)", oursStream, rawStream);
        delete(sandbox);
        engine.removeContainerCmd(container).withForce(true).exec();
    }

    // ------------------------------------------------------------------ ours

    static final int WARM_UP = 30;
    static final List<Long> oursCreate = new ArrayList<>();
    static final List<Long> rawCreate = new ArrayList<>();
    static final List<Long> rawVolumeCreate = new ArrayList<>();

    static long ours() throws Exception {
        long start = System.nanoTime();
        String id = createSandbox();
        oursCreate.add(System.nanoTime() - start);
        long elapsed = firstOutput(id) - start;
        delete(id);
        return elapsed;
    }

    static String createSandbox() throws Exception {
        HttpResponse<String> created = http.send(request("/v1/sandboxes").POST(HttpRequest.BodyPublishers.ofString("{}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + created.statusCode() + " " + created.body());
        }
        Matcher m = ID.matcher(created.body());
        if (!m.find()) {
            throw new IllegalStateException("no id in " + created.body());
        }
        return m.group(1);
    }

    /** Streams {@code echo ready} and returns when the first stdout event arrives (reads the rest after). */
    static long firstOutput(String id) throws Exception {
        HttpResponse<java.io.InputStream> stream = http.send(request("/v1/sandboxes/" + id + "/exec")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":[\"echo\",\"ready\"]}"))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (stream.statusCode() != 200) {
            throw new IllegalStateException("exec failed: " + stream.statusCode());
        }
        try (var reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            String line;
            long firstAt = 0;
            while ((line = reader.readLine()) != null) {
                if (line.equals("event:stdout")) {
                    firstAt = System.nanoTime();
                    break;
                }
            }
            if (firstAt == 0) {
                throw new IllegalStateException("no stdout event");
            }
            while (reader.readLine() != null) {
                // drain to the exit event so the exec is complete before the next round
            }
            return firstAt;
        }
    }

    static long execOurs(String id) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> result = http.send(request("/v1/sandboxes/" + id + "/exec")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":[\"true\"]}"))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        long elapsed = System.nanoTime() - start;
        if (result.statusCode() != 200 || !result.body().contains("\"exitCode\":0")) {
            throw new IllegalStateException("exec failed: " + result.statusCode() + " " + result.body());
        }
        return elapsed;
    }

    static void delete(String id) throws Exception {
        http.send(request("/v1/sandboxes/" + id).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + key);
    }

    // ------------------------------------------------------------------ raw engine

    static long raw(boolean withVolume) throws Exception {
        String name = "oc-bench-raw-" + UUID.randomUUID().toString().substring(0, 12);
        long start = System.nanoTime();
        if (withVolume) {
            engine.createVolumeCmd().withName(name).exec();
        }
        String container = runRaw(name, withVolume);
        (withVolume ? rawVolumeCreate : rawCreate).add(System.nanoTime() - start);
        long elapsed = execFirstOutput(container, "echo", "ready") - start;
        engine.removeContainerCmd(container).withForce(true).exec();
        if (withVolume) {
            engine.removeVolumeCmd(name).exec();
        }
        return elapsed;
    }

    static String runRaw() {
        return runRaw("oc-bench-raw-" + UUID.randomUUID().toString().substring(0, 12), false);
    }

    /** {@code docker run -d --init --network none --cap-drop ALL … [-v NAME:/workspace] IMAGE sleep 3600}. */
    static String runRaw(String name, boolean withVolume) {
        HostConfig host = HostConfig.newHostConfig().withNetworkMode("none").withInit(true)
                .withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"))
                .withMemory(1L << 30).withNanoCPUs(1_000_000_000L).withPidsLimit(1024L);
        if (withVolume) {
            host.withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(name).withTarget("/workspace")));
        }
        String id = engine.createContainerCmd(image).withName(name).withCmd("sleep", "3600").withHostConfig(host)
                .exec().getId();
        engine.startContainerCmd(id).exec();
        return id;
    }

    /** {@code docker exec CONTAINER cmd…}: returns at the first output frame, then waits for the end. */
    static long execFirstOutput(String container, String... cmd) throws Exception {
        String exec = engine.execCreateCmd(container).withCmd(cmd).withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        CountDownLatch first = new CountDownLatch(1);
        long[] firstAt = new long[1];
        var callback = engine.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
            @Override
            public void onNext(Frame frame) {
                if (first.getCount() > 0) {
                    firstAt[0] = System.nanoTime();
                    first.countDown();
                }
            }
        });
        if (!first.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no output from raw exec");
        }
        callback.awaitCompletion(60, TimeUnit.SECONDS);
        return firstAt[0];
    }

    /** {@code docker exec CONTAINER true}: create, start, wait for the end, inspect the exit code. */
    static long execRaw(String container) throws Exception {
        long start = System.nanoTime();
        String exec = engine.execCreateCmd(container).withCmd("true").withAttachStdout(true).withAttachStderr(true)
                .exec().getId();
        engine.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>()).awaitCompletion(60, TimeUnit.SECONDS);
        Long exit = engine.inspectExecCmd(exec).exec().getExitCodeLong();
        long elapsed = System.nanoTime() - start;
        if (exit == null || exit != 0) {
            throw new IllegalStateException("raw exec exit " + exit);
        }
        return elapsed;
    }

    // ------------------------------------------------------------------ report

    static void report(String name, List<Long> ours, List<Long> raw) {
        double oursP50 = percentile(ours, 50);
        double rawP50 = percentile(raw, 50);
        double oursP90 = percentile(ours, 90);
        double rawP90 = percentile(raw, 90);
        System.out.printf("%-32s ours p50 %7.1f ms  p90 %7.1f ms | raw p50 %7.1f ms  p90 %7.1f ms | ratio p50 %.2f  p90 %.2f%n",
                name, oursP50, oursP90, rawP50, rawP90, oursP50 / rawP50, oursP90 / rawP90);
    }

    static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1e6;
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw new IllegalStateException(name + " is required");
            }
            return fallback;
        }
        return value;
    }

    /** A result line for bench/all.sh's table: FIGURE, name, ours, baseline, the compared value, target. */
    static void figure(String name, String ours, String baseline, double value, String target) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalStateException("BENCHMARK FAILED: " + name + " came to " + value);
        }
        System.out.printf(java.util.Locale.ROOT, "FIGURE\t%s\t%s\t%s\t%.2f\t%s%n", name, ours, baseline, value, target);
    }
}
