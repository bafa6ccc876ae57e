package dev.opencomputer.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The OpenComputer server jar running as a separate process, as in production, and calls to its API. */
final class ServerProcess implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final int port;
    private final String operatorKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final JsonMapper json = JsonMapper.builder().build();

    private ServerProcess(Process process, int port, String operatorKey) {
        this.process = process;
        this.port = port;
        this.operatorKey = operatorKey;
    }

    static ServerProcess start(Path jar, String databaseUrl, int port, List<String> jvmOptions, Path logFile)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        String operatorKey = "oc_op_bench_operator_key_0123456789abcdef";
        System.getenv().forEach((name, value) -> {
            // the script's settings (roles, event log, sessions, sandbox engine and images) reach the server
            if (name.startsWith("OPENCOMPUTER_") || name.equals("DOCKER_HOST")) {
                builder.environment().put(name, value);
            }
        });
        builder.environment().putAll(Map.of(
                "DATABASE_URL", databaseUrl,
                "DATABASE_POOL_SIZE", "30",
                "SERVER_PORT", Integer.toString(port),
                "OPENCOMPUTER_OPERATOR_KEY", operatorKey,
                "OPENCOMPUTER_SECRETS_MASTER_KEY", "1:" + Base64.getEncoder().encodeToString(
                        new SecureRandom().generateSeed(32))));
        ServerProcess server = new ServerProcess(builder.start(), port, operatorKey);
        server.awaitHealthy(Duration.ofMinutes(3), logFile);
        return server;
    }

    private void awaitHealthy(Duration timeout, Path logFile) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited; see " + logFile);
            }
            try {
                if (http.send(HttpRequest.newBuilder(uri("/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the server did not become healthy; see " + logFile);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    /** A tenant's API key, with an agent named {@code bench}. */
    String tenantWithAgent() throws IOException, InterruptedException {
        JsonNode created = post(operatorKey, "/v1/tenants", Map.of("name", "bench"));
        String key = created.get("apiKey").get("key").asString();
        post(key, "/v1/agents", Map.of("name", "bench", "model", "claude-sonnet-4-5"));
        return key;
    }

    /** Starts a session; returns its id. */
    String startSession(String key) throws IOException, InterruptedException {
        return post(key, "/v1/sessions", Map.of("agent", "bench", "input", "go")).get("id").asString();
    }

    /** The value of a gauge on the Prometheus endpoint. */
    double gauge(String name) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new IllegalStateException("no gauge " + name);
    }

    /** Heap in use right after a full collection, in bytes (through jcmd). */
    long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IllegalStateException("cannot read the heap size from jcmd GC.heap_info");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** The server's class histogram (jcmd GC.class_histogram), for finding what a subscriber costs. */
    String histogram() throws IOException, InterruptedException {
        return jcmd("GC.class_histogram");
    }

    /** Runs a jcmd command against the server, e.g. to start or dump a flight recording. */
    String diagnostic(String... command) throws IOException, InterruptedException {
        return jcmd(String.join(" ", command));
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid())));
        args.addAll(List.of(command.split(" ")));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private JsonNode post(String key, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
