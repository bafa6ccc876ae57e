package dev.opencomputer.server.sessions;

import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.server.ServerProcess;
import dev.opencomputer.testing.TestEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A brain-only server in a process of its own, for tests that {@code kill -9} it: the built jar
 * ({@code target/opencomputer.jar}) or, without it, the test classpath, on the test's database,
 * model server and engine. Its log goes to {@code target/server-crash-<name>.log}.
 */
final class BrainProcess {

    private BrainProcess() {
    }

    /**
     * Settings of a test's own application when brains run in processes of their own: the API only,
     * on its own database, with the host-/usr sandbox image the brain processes use too.
     */
    static void registerApiOnly(org.springframework.test.context.DynamicPropertyRegistry registry,
            dev.opencomputer.testing.TestDatabase database) {
        registry.add("spring.datasource.url", database::url);
        registry.add("opencomputer.roles", () -> "api");
        registry.add("opencomputer.sandbox.default-image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.default-memory", () -> "256MB");
        registry.add("opencomputer.sandbox.image-mounts[0].image", TestEngine::hostUsrImage);
        registry.add("opencomputer.sandbox.image-mounts[0].source", () -> "/usr");
        registry.add("opencomputer.sandbox.image-mounts[0].target", () -> "/usr");
        // these tests poll the session while the brain processes crash and resume: no request-rate limit
        registry.add("opencomputer.api.tiers.standard.requests-per-minute", () -> "100000000");
        registry.add("opencomputer.api.tiers.standard.requests-per-minute-per-key", () -> "100000000");
    }

    static Process start(String name, String databaseUrl, ModelServer models, Duration lease, List<String> extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + databaseUrl,
                "--opencomputer.roles=brain",
                "--opencomputer.brain.worker-id=" + name,
                "--opencomputer.brain.anthropic-base-url=" + models.anthropicBaseUrl(),
                "--opencomputer.brain.lease-duration=" + lease.toMillis() + "ms",
                "--opencomputer.brain.heartbeat-interval=1s",
                "--opencomputer.brain.claim-interval=200ms",
                "--opencomputer.sandbox.docker-host=" + TestEngine.dockerHost(),
                "--opencomputer.sandbox.instance=" + ApiITBase.SANDBOX_INSTANCE,
                "--opencomputer.sandbox.image-mounts[0].image=" + TestEngine.hostUsrImage(),
                "--opencomputer.sandbox.image-mounts[0].source=/usr",
                "--opencomputer.sandbox.image-mounts[0].target=/usr"));
        args.addAll(extra);
        return ServerProcess.start("server-crash-" + name, "384m", args);
    }
}
