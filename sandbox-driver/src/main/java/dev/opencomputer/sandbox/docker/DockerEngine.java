package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxEngineException;
import dev.opencomputer.session.SandboxId;
import java.io.Closeable;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection to one Engine API endpoint: a client for short calls (with a response timeout, so a
 * hung engine counts as unavailable), one for streams (exec output, file transfers, which may stay
 * silent for long), the timers of executions, and {@link #call} which turns docker-java's failures
 * into typed ones.
 */
final class DockerEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DockerEngine.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String endpoint;
    private final DockerClient control;
    private final DockerClient streams;
    private final ScheduledExecutorService timers;
    private final EngineFailures failures;

    DockerEngine(SandboxConfig config) {
        this.endpoint = config.resolvedDockerHost();
        DockerClientConfig clientConfig = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint)
                .build();
        this.control = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(256)
                .connectionTimeout(config.connectTimeout())
                .responseTimeout(config.engineTimeout())
                .build());
        this.streams = DockerClientImpl.getInstance(clientConfig, new ApacheDockerHttpClient.Builder()
                .dockerHost(clientConfig.getDockerHost())
                .sslConfig(clientConfig.getSSLConfig())
                .maxConnections(4096)
                .connectionTimeout(config.connectTimeout())
                .build());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "oc-sandbox-timers");
            t.setDaemon(true);
            return t;
        });
        this.failures = new EngineFailures(endpoint);
    }

    String endpoint() {
        return endpoint;
    }

    /** The client for calls that answer at once. */
    DockerClient control() {
        return control;
    }

    /** The client for streams that may stay silent for long (no response timeout). */
    DockerClient streams() {
        return streams;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    EngineFailures failures() {
        return failures;
    }

    /** Runs an engine call about sandbox {@code id} (or none), translating its failures. */
    <T> T call(SandboxId id, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            throw failures.translate(id, e);
        }
    }

    /** Runs a clean-up step whose failure changes nothing for the caller. */
    static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.debug("clean-up step failed", e);
        }
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxEngineException("interrupted", e);
        }
    }

    /** A fresh random id (24 hex digits) for executions and workspace nonces. */
    static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        closeQuietly(control);
        closeQuietly(streams);
    }
}
