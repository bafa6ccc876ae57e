import com.sun.net.httpserver.HttpServer;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhook benchmark, run by {@code bench/webhooks/run.sh}: deliveries per second from the event log
 * to a local receiver that answers 200 at once, next to a plain {@code java.net.http.HttpClient}
 * loop posting the same bodies with the same concurrency, in the same run; then the p50/p99 from
 * commit to receipt at a paced rate. Exits non-zero, saying why, when it cannot measure.
 */
public class WebhookBench {

    static final JsonMapper json = JsonMapper.builder().build();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final AtomicInteger received = new AtomicInteger();
    static final AtomicLong lastReceiptNanos = new AtomicLong();
    static final Map<String, Long> latencyMicros = new ConcurrentHashMap<>();
    static final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    static volatile boolean recordLatency;
    static volatile boolean keepBodies;

    public static void main(String[] args) throws Exception {
        String base = System.getenv("OC_BENCH_URL");
        int events = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_EVENTS", "20000"));
        int concurrency = Integer.parseInt(System.getenv("OC_BENCH_CONCURRENCY"));
        int paced = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_PACED_RATE", "500"));
        int sessionsCount = 50;
        // the same warm-up for both paths, long enough for the JIT to compile either one's hot code
        int warmUp = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_WARMUP", "5000"));

        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        receiver.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                long now = System.currentTimeMillis() * 1000;
                if (keepBodies) {
                    bodies.add(new String(body, StandardCharsets.UTF_8));
                }
                if (recordLatency) {
                    String id = exchange.getRequestHeaders().getFirst("webhook-id");
                    JsonNode tree = json.readTree(body);
                    Instant committed = Instant.parse(tree.path("timestamp").asString());
                    latencyMicros.putIfAbsent(id, now - (committed.getEpochSecond() * 1_000_000 + committed.getNano() / 1000));
                }
                exchange.sendResponseHeaders(200, -1);
                received.incrementAndGet();
                lastReceiptNanos.set(System.nanoTime());
            }
        });
        receiver.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        receiver.start();
        String target = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

        JsonNode tenant = post(base + "/v1/tenants", "{\"name\":\"bench\"}", System.getenv("OC_BENCH_OPERATOR"));
        String key = tenant.path("apiKey").path("key").asString();
        TenantId tenantId = TenantId.parse(tenant.path("tenant").path("id").asString());
        JsonNode endpoint = post(base + "/v1/webhook-endpoints",
                "{\"url\":\"" + target + "\",\"events\":[\"user.message\"]}", key);
        if (!endpoint.path("secret").asString("").startsWith("whsec_")) {
            fail("could not create the endpoint: " + endpoint);
        }

        // the load generator's own pool: a plain PGSimpleDataSource would open a connection (a new
        // server process) per append, on the same two cores as what is measured
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(System.getenv("OC_BENCH_DATABASE_URL"));
        pool.setMaximumPoolSize(20);
        try (HikariDataSource db = new HikariDataSource(pool);
                PostgresEventLog log = new PostgresEventLog(db, EventLogProperties.defaults(), Clock.systemUTC()).start()) {
            AgentId agent = AgentId.next(Instant.now());
            List<SessionId> sessions = new ArrayList<>();
            for (int i = 0; i < sessionsCount; i++) {
                SessionId id = SessionId.next(Instant.now());
                log.create(new NewSession(id, tenantId, agent, 1, Map.of()),
                        List.of(new SessionStarted(agent, 1, "bench", null, Map.of())));
                sessions.add(id);
            }

            // warm-up: both paths
            keepBodies = true;
            burst(log, sessions, warmUp, 0);
            awaitReceived(warmUp, Duration.ofSeconds(120), "warm-up");
            keepBodies = false;
            plain(target, bodies.subList(0, warmUp), concurrency);

            // 1. throughput: events committed in bursts, until the last delivery is received
            received.set(0);
            keepBodies = true;
            long start = System.nanoTime();
            burst(log, sessions, events, 0);
            long committed = System.nanoTime();
            awaitReceived(events, Duration.ofMinutes(5), "throughput run");
            double oursSeconds = (lastReceiptNanos.get() - start) / 1e9;
            keepBodies = false;
            double ours = events / oursSeconds;

            // 2. the same bodies with a plain HttpClient loop, same concurrency
            List<String> sameBodies = new ArrayList<>(bodies.subList(bodies.size() - events, bodies.size()));
            received.set(0);
            long plainStart = System.nanoTime();
            plain(target, sameBodies, concurrency);
            double plainSeconds = (System.nanoTime() - plainStart) / 1e9;
            awaitReceived(events, Duration.ofSeconds(10), "plain loop"); // every request answered 200 already
            double baseline = events / plainSeconds;

            // 3. latency at a paced rate
            received.set(0);
            recordLatency = true;
            int pacedEvents = paced * 10;
            burst(log, sessions, pacedEvents, paced);
            awaitReceived(pacedEvents, Duration.ofMinutes(2), "paced run");
            recordLatency = false;
            List<Long> latencies = new ArrayList<>(latencyMicros.values());
            if (latencies.size() < pacedEvents) {
                fail("latency measured for " + latencies.size() + " of " + pacedEvents + " deliveries");
            }
            Collections.sort(latencies);
            double p50 = latencies.get(latencies.size() / 2) / 1000.0;
            double p99 = latencies.get((int) (latencies.size() * 0.99)) / 1000.0;

            if (!(ours > 0) || !(baseline > 0) || Double.isNaN(p50) || Double.isNaN(p99)) {
                fail("could not compute the figures");
            }
            System.out.printf("webhooks: %d events (commit took %.2f s) -> %d deliveries in %.2f s = %.0f deliveries/s%n",
                    events, (committed - start) / 1e9, events, oursSeconds, ours);
            System.out.printf("plain HttpClient loop, same %d bodies, concurrency %d: %.2f s = %.0f requests/s%n",
                    events, concurrency, plainSeconds, baseline);
            System.out.printf("ratio ours/plain: %.2f (target >= 0.8), ours >= 1500/s: %s%n", ours / baseline,
                    ours >= 1500 ? "yes" : "NO");
            System.out.printf("commit -> receipt at %d events/s (%d events): p50 %.1f ms, p99 %.1f ms%n",
                    paced, pacedEvents, p50, p99);
            figure("webhook deliveries/s (ratio to a plain HttpClient loop)", String.format("%.0f/s", ours),
                    String.format("%.0f/s", baseline), ours / baseline, ">=0.8");
            figure("webhook deliveries/s", String.format("%.0f/s", ours), "-", ours, ">=1500");
            figure("webhook commit -> receipt p99 at " + paced + "/s (ms)", String.format("p50 %.1f ms", p50), "-", p99, "-");
        } finally {
            receiver.stop(0);
        }
    }

    /** Appends {@code count} user.message events round-robin over the sessions, 50 per append; paced when rate > 0. */
    static void burst(PostgresEventLog log, List<SessionId> sessions, int count, int rate) throws Exception {
        int perAppend = rate > 0 ? Math.max(1, rate / 100) : 50;
        long startNanos = System.nanoTime();
        var executor = Executors.newVirtualThreadPerTaskExecutor();
        Semaphore inFlight = new Semaphore(16);
        int appended = 0;
        int round = 0;
        while (appended < count) {
            int n = Math.min(perAppend, count - appended);
            SessionId session = sessions.get(round++ % sessions.size());
            List<SessionEvent> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(new UserMessage("bench message " + (appended + i)));
            }
            appended += n;
            if (rate > 0) {
                long due = startNanos + (long) (appended * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
            }
            inFlight.acquire();
            executor.execute(() -> {
                try {
                    log.append(session, batch);
                } finally {
                    inFlight.release();
                }
            });
        }
        executor.shutdown();
        executor.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
    }

    static void plain(String target, List<String> payloads, int concurrency) throws Exception {
        Semaphore slots = new Semaphore(concurrency);
        AtomicInteger failures = new AtomicInteger();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String body : payloads) {
                slots.acquire();
                executor.execute(() -> {
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(target))
                                .header("Content-Type", "application/json").header("webhook-id", "plain")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        if (failures.get() > 0) {
            fail(failures.get() + " plain requests failed");
        }
    }

    static void awaitReceived(int count, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (received.get() < count) {
            if (System.nanoTime() > deadline) {
                fail(what + ": only " + received.get() + " of " + count + " deliveries within " + limit);
            }
            Thread.sleep(5);
        }
    }

    static JsonNode post(String url, String body, String key) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            fail("POST " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    static void fail(String why) {
        System.err.println("BENCHMARK FAILED: " + why);
        System.exit(1);
    }

    /** A result line for bench/all.sh's table: FIGURE, name, ours, baseline, the compared value, target. */
    static void figure(String name, String ours, String baseline, double value, String target) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalStateException("BENCHMARK FAILED: " + name + " came to " + value);
        }
        System.out.printf(java.util.Locale.ROOT, "FIGURE\t%s\t%s\t%s\t%.2f\t%s%n", name, ours, baseline, value, target);
    }
}
