import com.sun.net.httpserver.HttpServer;
import dev.opencomputer.brain.egress.AddressRules;
import dev.opencomputer.brain.egress.EgressForwarder;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.EgressSession;
import dev.opencomputer.brain.egress.HostResolver;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.ImageMount;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Egress benchmark, run by {@code bench/egress/run.sh} (5 warm-up rounds first): the same {@code curl} (the host's, which the
 * hostusr image borrows) downloads a 10 MB body from a local HTTP server directly on the host and,
 * inside a real sandbox without a network, through the egress proxy, alternating. curl measures both
 * itself ({@code -w}), so the engine's exec overhead is not counted. Targets: through the proxy at
 * least 0.8x the direct throughput; the added time to first byte of a small request is reported.
 * Fails loudly (exit 1, "BENCHMARK FAILED") when a download fails or a figure cannot be computed.
 */
public class EgressBench {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_ROUNDS", "10"));
        int mb = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_MB", "10"));
        byte[] big = new byte[mb * 1024 * 1024];
        new java.util.Random(1).nextBytes(big);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, big.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            }
        });
        server.createContext("/small", exchange -> {
            byte[] body = "ok\n".getBytes();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        int port = server.getAddress().getPort();

        Path sockets = Files.createTempDirectory("oc-bench-egress-");
        String image = System.getenv().getOrDefault("OC_BENCH_IMAGE", "localhost/opencomputer-sandbox-hostusr:latest");
        DockerSandboxDriver driver = new DockerSandboxDriver(SandboxConfig.builder()
                .dockerHost(System.getenv("DOCKER_HOST"))
                .instance("bench-egress-" + UUID.randomUUID().toString().substring(0, 8))
                .defaultImage(image)
                .imageMounts(List.of(new ImageMount(image, "/usr", "/usr")))
                .socketDir(sockets.toString())
                .stopTimeout(Duration.ofSeconds(2))
                .build(), Clock.systemUTC());
        EgressProperties properties = new EgressProperties(false, null, null, null, List.of("127.0.0.1/32"),
                Map.of("files.bench", "127.0.0.1"), null, null, null, null, null, null, relay());
        EgressProxy proxy = new EgressProxy(id -> Optional.of(sockets.resolve(id.value())), properties,
                properties.rules(AddressRules.hostAddresses(), Set.of()), HostResolver.system(properties.hosts()));
        SandboxId sandbox = SandboxId.next(Instant.now());
        List<NetworkRequest> logged = new CopyOnWriteArrayList<>();
        int status = 0;
        try {
            double cpus = Double.parseDouble(System.getenv().getOrDefault("OC_BENCH_CPUS", "1"));
            driver.create(SandboxSpec.of(sandbox, TenantId.next(Instant.now()))
                    .withLimits(new dev.opencomputer.sandbox.SandboxLimits(cpus, 1L << 30, 1024)));
            EgressSession session = new EgressSession(SessionId.next(Instant.now()),
                    NetworkPolicy.parse("allowlist", List.of("files.bench:" + port)), 0, properties, logged::addAll);
            try (AutoCloseable served = proxy.serve(sandbox, session)) {
                if (!EgressForwarder.start(driver, sandbox, sockets.resolve(sandbox.value()), properties.relay())) {
                    fail("the forwarder did not start in the sandbox");
                }
                String directBig = "http://127.0.0.1:" + port + "/big";
                String proxiedBig = "http://files.bench:" + port + "/big";
                // warm up both paths (the JIT of the proxy's copy loop, the forwarder's), as a long-lived brain is
                for (int i = 0; i < 5; i++) {
                    host(directBig);
                    sandbox(driver, sandbox, proxiedBig);
                }
                List<Double> direct = new ArrayList<>();
                List<Double> proxied = new ArrayList<>();
                List<Double> directFirstByte = new ArrayList<>();
                List<Double> proxiedFirstByte = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    direct.add(host(directBig)[2]);
                    proxied.add(sandbox(driver, sandbox, proxiedBig)[2]);
                    directFirstByte.add(host("http://127.0.0.1:" + port + "/small")[1]);
                    proxiedFirstByte.add(sandbox(driver, sandbox, "http://files.bench:" + port + "/small")[1]);
                }
                if (System.getenv("OC_BENCH_DIAGNOSE") != null) {
                    // diagnostics: curl on the host straight onto the proxy's Unix socket (no forwarder)
                    Path sock = sockets.resolve(sandbox.value()).resolve(EgressProxy.SOCKET);
                    List<Double> viaSocket = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        long t0 = System.nanoTime();
                        long n = 0;
                        try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                                java.net.UnixDomainSocketAddress.of(sock))) {
                            ch.write(java.nio.ByteBuffer.wrap(("GET " + proxiedBig + " HTTP/1.1\r\nHost: files.bench:"
                                    + port + "\r\n\r\n").getBytes()));
                            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(256 * 1024);
                            int r;
                            while ((r = ch.read(buf)) >= 0) {
                                n += r;
                                buf.clear();
                            }
                        }
                        viaSocket.add(n / ((System.nanoTime() - t0) / 1e9));
                    }
                    System.out.printf(Locale.ROOT, "diagnostics: a client on the proxy's socket %.1f MB/s%n",
                            median(viaSocket) / 1e6);
                    java.nio.file.Path dir = sockets.resolve(sandbox.value());
                    Process node = (properties.relay() != null
                            ? new ProcessBuilder(dir.resolve(EgressForwarder.RELAY).toString(), "14481", sock.toString())
                            : new ProcessBuilder("node", dir.resolve(EgressForwarder.SCRIPT).toString(), "14481",
                                    sock.toString())).inheritIO().start();
                    Thread.sleep(500);
                    List<Double> viaNode = new ArrayList<>();
                    for (int i = 0; i < rounds; i++) {
                        Process p = new ProcessBuilder("curl", "-sS", "-x", "http://127.0.0.1:14481", "-o", "/dev/null",
                                "-w", FORMAT, proxiedBig).redirectErrorStream(true).start();
                        String o = new String(p.getInputStream().readAllBytes()).strip();
                        p.waitFor();
                        viaNode.add(parse(o)[2]);
                    }
                    node.destroy();
                    System.out.printf(Locale.ROOT, "diagnostics: host curl through the forwarder on the host %.1f MB/s%n",
                            median(viaNode) / 1e6);
                }
                double d = median(direct) / 1e6;
                double p = median(proxied) / 1e6;
                double df = median(directFirstByte) * 1000;
                double pf = median(proxiedFirstByte) * 1000;
                System.out.printf(Locale.ROOT, "%d MB, %d rounds: direct %.1f MB/s, through the proxy %.1f MB/s; "
                        + "time to first byte of a small request: direct %.2f ms, through the proxy %.2f ms%n",
                        mb, rounds, d, p, df, pf);
                session.flush();
                long served200 = logged.stream().filter(r -> r.allowed() && r.bytesIn() >= big.length).count();
                System.out.printf(Locale.ROOT, "network.request events: %d, of which %d downloads of the full body%n",
                        logged.size(), served200);
                if (!(d > 0) || !(p > 0) || served200 < rounds) {
                    fail("could not compute the figures (direct " + d + " MB/s, proxied " + p + " MB/s, "
                            + served200 + " logged downloads)");
                }
                System.out.printf(Locale.ROOT, "FIGURE\tegress %d MB download throughput (ratio)\t%.1f MB/s\t%.1f MB/s"
                        + "\t%.3f\t>= 0.8%n", mb, p, d, p / d);
                System.out.printf(Locale.ROOT, "FIGURE\tegress added time to first byte (ms)\t%.2f ms\t%.2f ms"
                        + "\t%.2f\t-%n", pf, df, pf - df);
            }
        } catch (IllegalStateException e) {
            System.out.println("BENCHMARK FAILED: " + e.getMessage());
            status = 1;
        } finally {
            try {
                driver.remove(sandbox);
            } catch (RuntimeException e) {
                System.out.println("could not remove " + sandbox + ": " + e);
            }
            proxy.close();
            driver.close();
            server.stop(0);
        }
        System.exit(status);
    }

    private static final String FORMAT = "%{http_code} %{time_starttransfer} %{speed_download}";

    /** curl on the host: [status, seconds to first byte, bytes per second]. */
    static double[] host(String url) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", FORMAT, url)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            fail("curl on the host failed: " + out);
        }
        return parse(out);
    }

    /** The same curl inside the sandbox, through the proxy (the variables a session gets). */
    static double[] sandbox(DockerSandboxDriver driver, SandboxId sandbox, String url) {
        ExecResult result = driver.run(sandbox, new ExecRequest(List.of("curl", "-sS", "-o", "/dev/null", "-w", FORMAT,
                url), null, EgressProxy.environment(), Duration.ofMinutes(2)));
        String out = result.stdout().text().strip();
        if (result.exitCode() != 0) {
            fail("curl in the sandbox failed (exit " + result.exitCode() + "): " + out + result.stderr().text());
        }
        return parse(out);
    }

    static double[] parse(String out) {
        String[] parts = out.split(" ");
        if (parts.length != 3 || !parts[0].equals("200")) {
            fail("unexpected curl result: " + out);
        }
        return new double[] {200, Double.parseDouble(parts[1]), Double.parseDouble(parts[2])};
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** The static relay bench/egress/run.sh builds (ensure_relay), or null for the node forwarder. */
    static java.nio.file.Path relay() {
        String path = System.getenv("OPENCOMPUTER_EGRESS_RELAY");
        java.nio.file.Path relay = path == null || path.isBlank() ? null : java.nio.file.Path.of(path);
        System.out.println("the sandbox's end of the proxy: " + (relay == null ? "the node forwarder" : relay));
        return relay;
    }

    static void fail(String why) {
        throw new IllegalStateException(why);
    }
}
