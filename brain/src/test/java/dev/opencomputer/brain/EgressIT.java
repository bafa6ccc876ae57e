package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import com.sun.net.httpserver.SimpleFileServer;
import dev.opencomputer.brain.egress.AddressRules;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.HostResolver;
import dev.opencomputer.brain.egress.NetworkPolicy;
import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import dev.opencomputer.sandbox.SandboxSpec;
import dev.opencomputer.testing.TestEngine;
import dev.opencomputer.session.CommandExited;
import dev.opencomputer.session.CommandRun;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.NetworkRequest;
import dev.opencomputer.session.SessionId;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Egress for real: a native session whose scripted agent runs {@code curl} and {@code git} in a real
 * sandbox (no network interface but loopback) against local HTTP and HTTPS servers standing in for
 * the internet. The operator allows the loopback address those servers listen on and pins names to
 * addresses ({@code opencomputer.egress.hosts}, the proxy's resolver seam): {@code files.test} and
 * {@code secure.test} are the servers, {@code metadata.test} resolves to the cloud metadata address
 * and {@code intranet.test} to a private one, so the deny-list is checked on what the proxy resolved,
 * even for names the session's allow-list lets through.
 */
class EgressIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path root = temp("oc-egress-www-");
    private final HttpServer http = httpServer();
    private final HttpsServer https = httpsServer();
    private final int port = http.getAddress().getPort();
    private final int tlsPort = https.getAddress().getPort();
    private final Testbed bed;
    private final EgressProperties properties;
    private final EgressProxy proxy;

    EgressIT() {
        bed = new Testbed(ModelScript.parse(script(List.of(
                "curl -sS http://files.test:" + port + "/hello.txt",
                "curl -sSk https://secure.test:" + tlsPort + "/hello.txt",
                "git clone -q http://files.test:" + port + "/repo.git /tmp/cloned && cat /tmp/cloned/README",
                "curl -sS http://elsewhere.test:" + port + "/hello.txt; echo \" exit=$?\"",
                "curl -sS http://metadata.test/latest/meta-data/; echo \" exit=$?\"",
                "curl -sS https://intranet.test/ 2>&1; echo \" exit=$?\"",
                "ls /sys/class/net"))));
        properties = new EgressProperties(false, null, null, null, List.of("127.0.0.1/32"),
                Map.of("files.test", "127.0.0.1", "secure.test", "127.0.0.1", "metadata.test", "169.254.169.254",
                        "intranet.test", "10.11.12.13"), null, null, null, null, null, Duration.ofMillis(200));
        proxy = new EgressProxy(id -> Optional.of(bed.socketDir.resolve(id.value())), properties,
                properties.rules(AddressRules.hostAddresses(), Set.of()), HostResolver.system(properties.hosts()));
    }

    @AfterEach
    void close() {
        bed.close();
        proxy.close();
        http.stop(0);
        https.stop(0);
    }

    private static String script(List<String> commands) {
        List<Object> turns = new ArrayList<>();
        for (String command : commands) {
            turns.add(Map.of("text", "Running: " + command,
                    "toolCalls", List.of(Map.of("name", "bash", "input", Map.of("command", command)))));
        }
        turns.add(Map.of("text", "Done."));
        Map<String, Object> script = new LinkedHashMap<>();
        script.put("cursor", "per-conversation");
        script.put("onExhausted", "echo");
        script.put("turns", turns);
        return JSON.writeValueAsString(script);
    }

    private BrainWorker worker() {
        BrainWorker worker = new BrainWorker(bed.properties().build(), bed.leases, bed.eventLog, bed.setups,
                bed.sandboxes, bed.secrets, bed.modelClient, java.time.Clock.systemUTC(), proxy, properties);
        return worker.start();
    }

    private SessionId start(String input, NetworkPolicy network) {
        return bed.start(input, new SessionSetup(bed.tenant, bed.agent(ModelProvider.ANTHROPIC), bed.sandbox(),
                Map.of(), null, null, List.of(), network));
    }

    @Test
    void anAllowListedHostIsReachedWithCurlAndGitAndEverythingElseIsRefusedAndLogged() {
        try (BrainWorker worker = worker()) {
            SessionId id = start("Fetch the files.", NetworkPolicy.parse("allowlist", List.of(
                    "files.test:" + port, "secure.test:" + tlsPort, "metadata.test", "intranet.test")));
            bed.awaitIdle(id);
            Map<String, CommandExited> outputs = outputs(id);

            assertThat(outputs.get("curl -sS http://files.test:" + port + "/hello.txt").output())
                    .contains("hello from the local internet");
            assertThat(outputs.get("curl -sSk https://secure.test:" + tlsPort + "/hello.txt").output())
                    .contains("hello from the local internet");
            CommandExited git = outputs.get("git clone -q http://files.test:" + port
                    + "/repo.git /tmp/cloned && cat /tmp/cloned/README");
            assertThat(git.exitCode()).as(git.output()).isZero();
            assertThat(git.output()).contains("a repository behind the proxy");
            assertThat(outputs.get("curl -sS http://elsewhere.test:" + port + "/hello.txt; echo \" exit=$?\"").output())
                    .contains("elsewhere.test:" + port + " is not on this session's allow-list")
                    .doesNotContain("hello from the local internet");
            assertThat(outputs.get("curl -sS http://metadata.test/latest/meta-data/; echo \" exit=$?\"").output())
                    .contains("169.254.169.254 is on the deny-list");
            assertThat(outputs.get("curl -sS https://intranet.test/ 2>&1; echo \" exit=$?\"").output())
                    .contains("403").doesNotContain("exit=0");
            assertThat(outputs.get("ls /sys/class/net").output().strip()).isEqualTo("lo");

            bed.awaitEvent(id, e -> e.event() instanceof NetworkRequest r && r.host().equals("intranet.test"),
                    "the refusal of intranet.test");
            List<NetworkRequest> requests = requests(id);
            assertThat(requests).filteredOn(r -> r.host().equals("files.test")).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(r -> {
                        assertThat(r.allowed()).isTrue();
                        assertThat(r.port()).isEqualTo(port);
                        assertThat(r.address()).isEqualTo("127.0.0.1");
                        assertThat(r.bytesOut()).isPositive();
                        assertThat(r.bytesIn()).isPositive();
                        assertThat(r.reason()).isNull();
                    });
            assertThat(requests).filteredOn(r -> r.host().equals("secure.test")).singleElement()
                    .satisfies(r -> assertThat(r.method()).isEqualTo("CONNECT"))
                    .satisfies(r -> assertThat(r.allowed()).isTrue());
            assertThat(requests).filteredOn(r -> r.host().equals("elsewhere.test")).singleElement()
                    .satisfies(r -> assertThat(r.allowed()).isFalse())
                    .satisfies(r -> assertThat(r.address()).as("refused before resolving").isNull())
                    .satisfies(r -> assertThat(r.bytesIn()).isZero());
            assertThat(requests).filteredOn(r -> r.host().equals("metadata.test")).singleElement()
                    .satisfies(r -> assertThat(r.allowed()).isFalse())
                    .satisfies(r -> assertThat(r.address()).isEqualTo("169.254.169.254"));
            assertThat(requests).filteredOn(r -> r.host().equals("intranet.test")).singleElement()
                    .satisfies(r -> assertThat(r.reason()).contains("10.11.12.13 is a private address"));
        }
    }

    @Test
    void aSessionWithoutNetworkHasNoRouteAtAll() {
        try (BrainWorker worker = worker()) {
            bed.models.play(ModelScript.parse(script(List.of(
                    "env | grep -i _proxy; curl -sS --max-time 5 http://files.test:" + port
                            + "/hello.txt; echo \" exit=$?\"",
                    "curl -sS --max-time 5 -x http://127.0.0.1:" + EgressProxy.PORT + " http://files.test:" + port
                            + "/hello.txt; echo \" exit=$?\"",
                    "ls /run/opencomputer; ls /sys/class/net"))));
            SessionId id = start("Try the network.", NetworkPolicy.NONE);
            bed.awaitIdle(id);
            List<CommandExited> outputs = new ArrayList<>(outputs(id).values());

            assertThat(outputs.get(0).output()).doesNotContain("hello from the local internet", "_PROXY")
                    .contains("exit=6"); // no proxy, no DNS: the name does not resolve
            assertThat(outputs.get(1).output()).doesNotContain("hello from the local internet")
                    .contains("exit=7"); // nothing listens where the forwarder would
            assertThat(outputs.get(2).output()).doesNotContain(EgressProxy.SOCKET).contains("lo");
            assertThat(requests(id)).isEmpty();
        }
    }

    @Test
    void aSandboxBroughtBackAfterACrashReachesTheNetworkAgain() {
        String fetch = "curl -sS http://files.test:" + port + "/hello.txt";
        bed.models.play(ModelScript.parse(script(List.of("touch /workspace/started; sleep 600", fetch))));
        try (BrainWorker worker = worker()) {
            SessionId id = start("Survive a kill.", NetworkPolicy.parse("allowlist", List.of("files.test:" + port)));
            var sandbox = bed.setups.load(id).orElseThrow().sandbox().id();
            bed.await(() -> bed.sh(sandbox, "ls /workspace").contains("started"), "the long command to start");
            // Podman answers a kill only once it has cleaned up; the brain does not wait for that
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                var config = com.github.dockerjava.core.DefaultDockerClientConfig.createDefaultConfigBuilder()
                        .withDockerHost(TestEngine.dockerHost()).build();
                try (var engine = com.github.dockerjava.core.DockerClientImpl.getInstance(config,
                        new com.github.dockerjava.httpclient5.ApacheDockerHttpClient.Builder()
                                .dockerHost(java.net.URI.create(TestEngine.dockerHost())).build())) {
                    engine.killContainerCmd("oc-" + sandbox).exec();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            bed.awaitIdle(id);

            assertThat(bed.types(id)).contains("runtime.crashed", "runtime.restarted");
            assertThat(outputs(id).get(fetch).output()).contains("hello from the local internet");
        }
    }

    @Test
    void anAcpAgentsCommandsGoThroughTheProxyToo() {
        GatewayTokens tokens = new PostgresGatewayTokens(bed.pool(), java.time.Clock.systemUTC());
        GatewayUsage usage = new GatewayUsage();
        ModelGateway gateway = new ModelGateway(id -> Optional.of(bed.socketDir.resolve(id.value())), tokens,
                bed.secrets, provider -> new ModelEndpoint(provider, bed.models.anthropicBaseUrl()), usage, "gateway:it");
        AcpRuntimes acp = new AcpRuntimes(RuntimeCatalogue.builtIn(), gateway, tokens, usage, Duration.ofSeconds(5));
        String fetch = "curl -sS http://files.test:" + port + "/hello.txt";
        String refused = "curl -sS http://elsewhere.test:" + port + "/hello.txt";
        bed.models.play(ModelScript.parse(JSON.writeValueAsString(Map.of("cursor", "per-conversation",
                "onExhausted", "echo", "turns", List.of(
                        Map.of("text", "Fetching.", "toolCalls", List.of(Map.of("name", "Bash",
                                "input", Map.of("command", fetch, "description", "fetch the file")))),
                        Map.of("text", "And elsewhere.", "toolCalls", List.of(Map.of("name", "Bash",
                                "input", Map.of("command", refused, "description", "try another host")))),
                        Map.of("text", "Done."))))));
        try (BrainWorker worker = new BrainWorker(bed.properties().build(), bed.leases, bed.eventLog, bed.setups,
                bed.sandboxes, bed.secrets, bed.modelClient, java.time.Clock.systemUTC(), BrainTools.NONE,
                RemoteUrlCheck.REFUSE_ALL, dev.opencomputer.session.PriceTable.DEFAULTS, acp, proxy, properties)) {
            worker.start();
            SandboxSpec sandbox = SandboxSpec.of(dev.opencomputer.session.SandboxId.next(java.time.Instant.now()),
                    bed.tenant).withImage(TestEngine.acpImage());
            bed.sandboxes.create(sandbox);
            AgentSetup claude = new AgentSetup(dev.opencomputer.session.AgentId.next(java.time.Instant.now()), 1,
                    ModelProvider.ANTHROPIC, "claude-opus-4-8", null, "You fetch files.", Testbed.CREDENTIAL,
                    java.util.EnumSet.allOf(AgentTool.class), Duration.ofMinutes(10), 50, "claude-agent-sdk", false);
            SessionId id = bed.start("Fetch hello.txt.", new SessionSetup(bed.tenant, claude, sandbox, Map.of(), null,
                    null, List.of(), NetworkPolicy.parse("allowlist", List.of("files.test:" + port))));
            bed.awaitIdle(id);

            Map<String, CommandExited> outputs = outputs(id);
            assertThat(outputs.get(fetch).output()).contains("hello from the local internet");
            assertThat(outputs.get(refused).output()).contains("is not on this session's allow-list");
            bed.awaitEvent(id, e -> e.event() instanceof NetworkRequest r && r.host().equals("elsewhere.test"),
                    "the refusal of elsewhere.test");
            assertThat(requests(id)).filteredOn(r -> r.host().equals("files.test")).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.allowed()).isTrue());
        } finally {
            gateway.close();
        }
    }

    private Map<String, CommandExited> outputs(SessionId id) {
        Map<String, String> commands = new LinkedHashMap<>();
        Map<String, CommandExited> byCommand = new LinkedHashMap<>();
        for (LoggedEvent e : bed.events(id)) {
            if (e.event() instanceof CommandRun run) {
                commands.put(run.callId(), run.command());
            } else if (e.event() instanceof CommandExited exited) {
                byCommand.put(commands.get(exited.callId()), exited);
            }
        }
        return byCommand;
    }

    private List<NetworkRequest> requests(SessionId id) {
        return bed.events(id).stream().map(LoggedEvent::event).filter(NetworkRequest.class::isInstance)
                .map(NetworkRequest.class::cast).toList();
    }

    // --- the local internet: a directory with a file and a git repository (dumb HTTP), over HTTP and HTTPS

    private static Path temp(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            Files.writeString(dir.resolve("hello.txt"), "hello from the local internet\n");
            Path work = dir.resolve("work");
            run(dir, "git", "init", "-q", work.toString());
            Files.writeString(work.resolve("README"), "a repository behind the proxy\n");
            run(work, "git", "add", "README");
            run(work, "git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first");
            run(dir, "git", "clone", "-q", "--bare", work.toString(), dir.resolve("repo.git").toString());
            run(dir.resolve("repo.git"), "git", "update-server-info");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(Path dir, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpServer httpServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", SimpleFileServer.createFileHandler(root));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpsServer httpsServer() {
        try {
            Path keystore = root.getParent().resolve(root.getFileName() + ".p12");
            run(root, Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                    "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=secure.test",
                    "-ext", "SAN=dns:secure.test", "-validity", "2", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (FileInputStream in = new FileInputStream(keystore.toFile())) {
                ks.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", SimpleFileServer.createFileHandler(root));
            server.start();
            return server;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
