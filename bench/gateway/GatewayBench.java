import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.brain.ModelEndpoint;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.gateway.GatewayGrant;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.postgres.PostgresSecretStore;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.springframework.util.unit.DataSize;

/**
 * Gateway benchmark, run by {@code bench/gateway/run.sh}: one streamed Anthropic Messages call made
 * directly to the scripted model server next to the same call through the model gateway (a client on
 * the sandbox's Unix socket, the token looked up in PostgreSQL, the key revealed from the secret store,
 * the response streamed back), alternating, with the same minimal HTTP/1.1 client on both paths.
 * Target: through the gateway at most 1.05x the direct p50 and under 3 ms added.
 */
public class GatewayBench {

    static final String BODY = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_CALLS", "200"));
        int delay = Integer.parseInt(System.getenv().getOrDefault("OC_BENCH_DELTA_DELAY_MS", "10"));
        String db = System.getenv("OC_BENCH_DB");
        Flyway.configure().dataSource(db, null, null)
                .locations("classpath:db/migration/secret-store", "classpath:db/migration/brain").load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db);
        HikariDataSource pool = new HikariDataSource(config);
        SecureRandom random = new SecureRandom();
        var secrets = new PostgresSecretStore(pool, new SecretStoreProperties(MasterKeys.newEntry(1, random), null,
                null, false, DataSize.ofKilobytes(64), null), random, Clock.systemUTC());
        secrets.verifyKeyring();
        TenantId tenant = TenantId.next(Instant.now());
        SecretName credential = SecretName.parse("MODEL_KEY");
        secrets.put(tenant.value(), credential, SecretValue.of("sk-ant-bench-real-key"));
        StringBuilder turns = new StringBuilder();
        for (int i = 0; i < 4 * calls + 80; i++) { // both phases: a connection per call, then kept alive
            turns.append(i == 0 ? "" : ",").append("{\"text\":\"one two three four five six seven eight\","
                    + "\"deltaDelayMs\":").append(delay).append("}");
        }
        ModelServer models = ModelServer.builder().script(ModelScript.parse("{\"cursor\":\"global\",\"turns\":["
                + turns + "]}")).log(line -> { }).start();
        var tokens = new PostgresGatewayTokens(pool, Clock.systemUTC());
        Path sockets = Files.createTempDirectory("oc-bench-sockets");
        var gateway = new ModelGateway(id -> Optional.of(sockets.resolve(id.value())), tokens, secrets,
                provider -> new ModelEndpoint(provider, models.anthropicBaseUrl()), new GatewayUsage(), "gateway:bench");
        SandboxId sandbox = SandboxId.next(Instant.now());
        String token = tokens.issue(new GatewayGrant(SessionId.next(Instant.now()), tenant, sandbox,
                ModelProvider.ANTHROPIC, credential, Set.of("claude-sonnet-4-6")));
        try (AutoCloseable served = gateway.serve(sandbox)) {
            SocketAddress direct = new InetSocketAddress("127.0.0.1", models.port());
            SocketAddress through = UnixDomainSocketAddress.of(sockets.resolve(sandbox.value()).resolve("model.sock"));
            for (int i = 0; i < 20; i++) { // warm-up of both paths
                call(direct, "sk-ant-bench-real-key");
                call(through, token);
            }
            List<Long> lookups = new ArrayList<>();
            List<Long> reveals = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                long t0 = System.nanoTime();
                tokens.find(token);
                long t1 = System.nanoTime();
                secrets.reveal(tenant.value(), credential, "bench").destroy();
                long t2 = System.nanoTime();
                lookups.add(t1 - t0);
                reveals.add(t2 - t1);
            }
            System.out.printf(Locale.ROOT, "parts at p50: token lookup %.2f ms, key reveal %.2f ms%n",
                    p50(lookups) / 1e6, p50(reveals) / 1e6);
            List<Long> directNanos = new ArrayList<>();
            List<Long> gatewayNanos = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                directNanos.add(call(direct, "sk-ant-bench-real-key"));
                gatewayNanos.add(call(through, token));
            }
            double d = p50(directNanos) / 1e6;
            double g = p50(gatewayNanos) / 1e6;
            System.out.printf(Locale.ROOT, "a new connection per call: direct p50 %.2f ms, through the gateway p50 "
                    + "%.2f ms (%d calls each, upstream streams 8 words %d ms apart)%n", d, g, calls, delay);
            // what agents do (node's fetch, the SDKs): keep their connection alive, to the gateway or to the provider
            List<Long> directKept = new ArrayList<>();
            List<Long> gatewayKept = new ArrayList<>();
            try (KeptAlive toModels = new KeptAlive(direct); KeptAlive toGateway = new KeptAlive(through)) {
                for (int i = 0; i < 20; i++) {
                    toModels.call("sk-ant-bench-real-key");
                    toGateway.call(token);
                }
                for (int i = 0; i < calls; i++) {
                    directKept.add(toModels.call("sk-ant-bench-real-key"));
                    gatewayKept.add(toGateway.call(token));
                }
            }
            double dk = p50(directKept) / 1e6;
            double gk = p50(gatewayKept) / 1e6;
            System.out.printf(Locale.ROOT, "one kept-alive connection each: direct p50 %.2f ms, through the gateway "
                    + "p50 %.2f ms%n", dk, gk);
            figure("gateway call p50, kept-alive clients (ratio)", gk, dk, gk / dk, "<= 1.05");
            figure("gateway added at p50, kept-alive clients (ms)", gk, dk, gk - dk, "< 3");
            figure("gateway call p50, a connection per call (ratio)", g, d, g / d, "<= 1.05");
            figure("gateway added at p50, a connection per call (ms)", g, d, g - d, "< 3");
        } finally {
            gateway.close();
            models.close();
            pool.close();
        }
    }

    static void figure(String name, double ours, double baseline, double value, String target) {
        System.out.printf(Locale.ROOT, "FIGURE\t%s\t%.2f ms\t%.2f ms\t%.3f\t%s%n", name, ours, baseline, value, target);
    }

    static double p50(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** A client that keeps one connection alive and reads each response to the end of its chunked body. */
    static final class KeptAlive implements AutoCloseable {
        private final SocketChannel channel;
        private final OutputStream out;
        private final InputStream in;

        KeptAlive(SocketAddress address) throws Exception {
            channel = SocketChannel.open(address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                    : StandardProtocolFamily.INET);
            channel.connect(address);
            if (!(address instanceof UnixDomainSocketAddress)) {
                channel.socket().setTcpNoDelay(true);
            }
            out = new java.io.BufferedOutputStream(Channels.newOutputStream(channel));
            in = new java.io.BufferedInputStream(Channels.newInputStream(channel));
        }

        long call(String key) throws Exception {
            long start = System.nanoTime();
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: bench\r\nx-api-key: " + key
                    + "\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            String status = line();
            boolean chunked = false;
            long length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).strip());
                }
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            if (chunked) {
                for (long size = Long.parseLong(line().strip(), 16); size > 0; size = Long.parseLong(line().strip(), 16)) {
                    all.write(in.readNBytes((int) size));
                    line();
                }
                line();
            } else {
                all.write(in.readNBytes((int) length));
            }
            if (!status.startsWith("HTTP/1.1 200") || !all.toString(StandardCharsets.UTF_8).contains("message_stop")) {
                throw new IllegalStateException("unexpected response: " + status);
            }
            return System.nanoTime() - start;
        }

        private String line() throws Exception {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IllegalStateException("the connection ended");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws Exception {
            channel.close();
        }
    }

    /** One streamed call to the end of its body, on a connection of its own; the nanoseconds it took. */
    static long call(SocketAddress address, String key) throws Exception {
        long start = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET)) {
            channel.connect(address);
            OutputStream out = Channels.newOutputStream(channel);
            InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(channel));
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: bench\r\nconnection: close\r\nx-api-key: " + key
                    + "\r\nanthropic-version: 2023-06-01\r\ncontent-type: application/json\r\ncontent-length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200") || !response.contains("message_stop")) {
                throw new IllegalStateException("unexpected response: " + response.substring(0,
                        Math.min(300, response.length())));
            }
        }
        return System.nanoTime() - start;
    }
}
