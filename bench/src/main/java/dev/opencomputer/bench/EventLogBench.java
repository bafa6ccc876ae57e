package dev.opencomputer.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.UserMessage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.flywaydb.core.Flyway;

/**
 * The event-log benchmark: append throughput against a plain-JDBC baseline, SSE
 * commit-to-receive latency and heap per idle subscriber, and catch-up against COPY. Run it with
 * {@code bench/event-log.sh} (see docs/performance.md); it needs a PostgreSQL admin URL (a user
 * that may create databases) and the server jar.
 */
public final class EventLogBench {

    private final Map<String, String> options;
    private final List<String> report = new ArrayList<>();

    private EventLogBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of(
                "parts", "append,sse,catchup",
                "duration", "5",
                "rounds", "2",
                "writers", "16",
                "subscribers", "1000,5000",
                "events", "100",
                "rate", "4",
                "catchup-events", "10000",
                "catchup-rounds", "15",
                "server-heap", "2g"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!options.containsKey("admin-url")) {
            System.err.println("usage: EventLogBench --admin-url jdbc:postgresql://…/postgres?user=… "
                    + "--server-jar api-server/target/opencomputer.jar [--parts append,sse,catchup] …");
            System.exit(2);
        }
        new EventLogBench(options).run();
    }

    private void run() throws Exception {
        List<String> parts = List.of(options.get("parts").split(","));
        if (parts.contains("append")) {
            append();
        }
        if (parts.contains("sse") || parts.contains("catchup")) {
            stream(parts.contains("sse"), parts.contains("catchup"));
        }
        System.out.println();
        System.out.println("=== event-log benchmark (" + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("java.version") + ") ===");
        report.forEach(System.out::println);
    }

    private void append() throws Exception {
        String database = createDatabase("oc_bench_append_");
        try (HikariDataSource pool = pool(database, 40)) {
            Flyway.configure().dataSource(pool).locations("classpath:db/migration/event-log").load().migrate();
            try (PostgresEventLog log = new PostgresEventLog(pool, EventLogProperties.defaults(), Clock.systemUTC())
                    .start()) {
                AppendThroughput bench = new AppendThroughput(pool, log);
                int writers = Integer.parseInt(options.get("writers"));
                Duration duration = Duration.ofSeconds(Long.parseLong(options.get("duration")));
                int rounds = Integer.parseInt(options.get("rounds"));
                for (boolean shared : new boolean[] {false, true}) {
                    String scenario = writers + " writers, " + (shared ? "one shared session" : "a session each");
                    System.out.println("append: " + scenario + " …");
                    AppendThroughput.Result result = bench.run(scenario, writers, shared, duration, rounds);
                    report.add(String.format(Locale.ROOT,
                            "append  %-36s event log %8.0f/s   plain JDBC %8.0f/s   ratio %.2f (target >= 2.5)",
                            result.scenario(), result.eventLog(), result.baseline(), result.ratio()));
                    Figures.print("append, " + scenario + " (ratio to plain JDBC)",
                            String.format(Locale.ROOT, "%.0f/s", result.eventLog()),
                            String.format(Locale.ROOT, "%.0f/s", result.baseline()), result.ratio(), ">=2.5");
                }
            }
        } finally {
            dropDatabase(database);
        }
    }

    private void stream(boolean latency, boolean catchUp) throws Exception {
        String database = createDatabase("oc_bench_sse_");
        Path jar = Path.of(options.getOrDefault("server-jar", "api-server/target/opencomputer.jar"));
        Path log = Files.createTempFile("oc-bench-server", ".log");
        int port = Integer.parseInt(options.getOrDefault("port", "18080"));
        List<String> jvm = List.of("-Xms512m", "-Xmx" + options.get("server-heap"), "-XX:+UseG1GC");
        System.out.println("starting the server (log: " + log + ") …");
        try (ServerProcess server = ServerProcess.start(jar, withDatabase(adminUrl(), database), port, jvm, log);
                HikariDataSource pool = pool(database, 8);
                PostgresEventLog replica = new PostgresEventLog(pool, EventLogProperties.defaults(),
                        Clock.systemUTC()).start()) {
            String key = server.tenantWithAgent();
            if (latency) {
                latency(server, replica, key);
            }
            if (catchUp) {
                catchUp(server, pool, replica, key);
            }
        } finally {
            dropDatabase(database);
        }
    }

    private void latency(ServerProcess server, PostgresEventLog replica, String key) throws Exception {
        String session = server.startSession(key);
        SessionId id = SessionId.parse(session);
        URI stream = server.uri("/v1/sessions/" + session + "/stream");
        int events = Integer.parseInt(options.get("events"));
        long pace = (long) (1e9 / Double.parseDouble(options.get("rate")));
        long lastSeq = replica.readAfter(id, 0, 1000).getLast().seq(); // the session's own first events
        long baseHeap = server.heapUsedAfterGc();
        for (String count : options.get("subscribers").split(",")) {
            int subscribers = Integer.parseInt(count.strip());
            System.out.println("sse: " + subscribers + " subscribers …");
            if (options.containsKey("jfr")) {
                server.diagnostic("JFR.start", "name=bench", "settings=profile");
            }
            try (SseSubscribers clients = new SseSubscribers(stream, key, subscribers, lastSeq + 1, events)) {
                clients.awaitConnected(Duration.ofMinutes(3));
                if (options.containsKey("jfr")) {
                    String file = options.get("jfr") + "-" + subscribers + ".jfr";
                    server.diagnostic("JFR.stop", "name=bench", "filename=" + file);
                    System.out.println("flight recording of connecting " + subscribers + " subscribers: " + file);
                }
                awaitGauge(server, "opencomputer_event_log_subscriptions", subscribers);
                Thread.sleep(1000);
                long heap = server.heapUsedAfterGc();
                if (options.containsKey("histogram")) {
                    Path file = Path.of(options.get("histogram") + "-" + subscribers + ".txt");
                    Files.writeString(file, server.histogram());
                    System.out.println("class histogram with " + subscribers + " idle subscribers: " + file);
                }
                if (options.containsKey("jfr-fanout")) {
                    server.diagnostic("JFR.start", "name=fanout", "settings=profile");
                }
                long[] committedAt = new long[events];
                long[] appendStartedAt = new long[events];
                long next = System.nanoTime();
                for (int k = 0; k < events; k++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    appendStartedAt[k] = System.nanoTime();
                    replica.append(id, new UserMessage("tick " + k));
                    committedAt[k] = System.nanoTime();
                    next += pace;
                }
                lastSeq += events;
                boolean complete = clients.awaitAll(Duration.ofMinutes(2));
                if (options.containsKey("jfr-fanout")) {
                    String file = options.get("jfr-fanout") + "-" + subscribers + ".jfr";
                    server.diagnostic("JFR.stop", "name=fanout", "filename=" + file);
                    System.out.println("flight recording of the fan-out to " + subscribers + " subscribers: " + file);
                }
                double[] latencies = clients.latenciesMillis(committedAt);
                // The commit lies between the append's start and its return; on a loaded machine a
                // subscriber can read an event before the appending thread is scheduled again, so a
                // slightly negative latency from the return is real. Only a receipt before the append
                // even started is impossible: an event the benchmark did not append.
                double[] sinceStart = clients.latenciesMillis(appendStartedAt);
                long early = java.util.Arrays.stream(latencies).filter(ms -> ms < 0).count();
                if (early > 0) {
                    System.out.println("  " + early + " receipts came before the append returned (smallest "
                            + latencies[0] + " ms): the appending thread was descheduled after its commit");
                }
                if (!complete || latencies.length == 0 || sinceStart[0] < 0) {
                    throw new IllegalStateException("BENCHMARK FAILED: sse with " + subscribers + " subscribers: "
                            + (complete ? "" : "not every subscriber received every event; ")
                            + latencies.length + " samples, smallest "
                            + (latencies.length == 0 ? "none" : sinceStart[0] + " ms from the append's start")
                            + " (a negative latency means events the benchmark did not append reached the stream)");
                }
                if (options.containsKey("verbose")) {
                    System.out.println("  slowest subscriber per event (ms): "
                            + java.util.Arrays.toString(java.util.Arrays.stream(clients.slowestPerEvent(committedAt))
                                    .map(ms -> Math.round(ms * 10) / 10.0).toArray()));
                }
                report.add(String.format(Locale.ROOT,
                        "sse     %5d subscribers, one session: commit-to-receive p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms"
                                + " (%d samples; target p99 < %d ms); heap per idle subscriber %.1f KiB (target <= 8)",
                        subscribers, percentile(latencies, 50), percentile(latencies, 99),
                        latencies[latencies.length - 1], latencies.length, subscribers <= 1000 ? 30 : 100,
                        (heap - baseHeap) / 1024.0 / subscribers));
                Figures.print("SSE commit -> receive p99, " + subscribers + " subscribers (ms)",
                        String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms", percentile(latencies, 50),
                                percentile(latencies, 99)), "-", percentile(latencies, 99),
                        subscribers <= 1000 ? "<30" : "<100");
                Figures.print("heap per idle SSE subscriber, " + subscribers + " subscribers (KiB)",
                        String.format(Locale.ROOT, "%.1f KiB", (heap - baseHeap) / 1024.0 / subscribers), "-",
                        (heap - baseHeap) / 1024.0 / subscribers, "<=8");
            }
            awaitGauge(server, "opencomputer_event_log_subscriptions", 0);
        }
    }

    private void catchUp(ServerProcess server, HikariDataSource pool, PostgresEventLog replica, String key)
            throws Exception {
        int total = Integer.parseInt(options.get("catchup-events"));
        String session = server.startSession(key);
        SessionId id = SessionId.parse(session);
        System.out.println("catch-up: appending " + total + " events …");
        List<SessionEvent> batch = new ArrayList<>();
        long lastSeq = 0;
        for (int i = 0; i < total; i++) {
            batch.add(new UserMessage("event " + i + " " + "y".repeat(100)));
            if (batch.size() == 100 || i == total - 1) {
                lastSeq = replica.append(id, batch).getLast().seq();
                batch.clear();
            }
        }
        if (options.containsKey("jfr-catchup")) {
            server.diagnostic("JFR.start", "name=catchup", "settings=profile");
        }
        CatchUp.Result result = new CatchUp().run(pool, server.uri("/v1/sessions/" + session + "/stream"), key,
                session, lastSeq, Integer.parseInt(options.get("catchup-rounds")));
        if (options.containsKey("jfr-catchup")) {
            server.diagnostic("JFR.stop", "name=catchup", "filename=" + options.get("jfr-catchup") + ".jfr");
        }
        double inProcess = Double.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            inProcess = Math.min(inProcess, subscribeUntil(replica, id, lastSeq));
        }
        report.add(String.format(Locale.ROOT, "catchup (the same through EventLog.subscribeInBatches in process: %.1f ms)",
                inProcess));
        report.add(String.format(Locale.ROOT,
                "catchup %d events over SSE %6.1f ms (best %5.1f)   COPY TO STDOUT %6.1f ms (best %5.1f, %d kB)"
                        + "   ratio %.2f (best/best %.2f; target <= 1.5)",
                result.events(), result.sseMillis(), result.sseBest(), result.copyMillis(), result.copyBest(),
                result.copyBytes() / 1024, result.ratio(), result.bestRatio()));
        Figures.print("catch-up of " + result.events() + " events over SSE (ratio to COPY TO STDOUT)",
                String.format(Locale.ROOT, "%.1f ms", result.sseMillis()),
                String.format(Locale.ROOT, "%.1f ms", result.copyMillis()), result.ratio(), "<=1.5");
    }

    /** Milliseconds until a batched subscription from the start delivered {@code lastSeq}. */
    private static double subscribeUntil(PostgresEventLog log, SessionId session, long lastSeq) throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.Flow.Subscription> held =
                new java.util.concurrent.atomic.AtomicReference<>();
        long start = System.nanoTime();
        log.subscribeInBatches(session, 0, 512).subscribe(new java.util.concurrent.Flow.Subscriber<>() {
            @Override
            public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                held.set(subscription);
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<dev.opencomputer.eventlog.StreamItem> batch) {
                if (batch.getLast().seq() >= lastSeq) {
                    done.countDown();
                }
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        done.await();
        double millis = (System.nanoTime() - start) / 1e6;
        held.get().cancel();
        return millis;
    }

    private static void awaitGauge(ServerProcess server, String gauge, double value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (server.gauge(gauge) != value) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(gauge + " did not reach " + value);
            }
            Thread.sleep(200);
        }
    }

    private static double percentile(double[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private String adminUrl() {
        return options.get("admin-url");
    }

    private String createDatabase(String prefix) throws Exception {
        String name = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private void dropDatabase(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(adminUrl()); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private HikariDataSource pool(String database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(withDatabase(adminUrl(), database));
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    private static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
