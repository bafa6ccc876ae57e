package dev.opencomputer.brain.egress;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The egress proxy's end inside a sandbox: the same forwarder the ACP images use for the model
 * gateway ({@code deploy/sandbox/acp/oc-forward.js}), listening on {@code 127.0.0.1:}{@value
 * EgressProxy#PORT} and piping each connection to {@value EgressProxy#SOCKET}. The brain writes the
 * script into the sandbox's socket directory (so any image with {@code node} can run it) and starts
 * it detached; a forwarder already listening is left alone.
 */
public final class EgressForwarder {

    private static final Logger log = LoggerFactory.getLogger(EgressForwarder.class);
    /** The script's file name, in the brain's resources and in the socket directory. */
    public static final String SCRIPT = "oc-forward.js";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private EgressForwarder() {
    }

    /**
     * Starts the forwarder in {@code sandbox} (running) unless it runs; true when it listens. An image
     * without {@code node} cannot run it (exit 127): false, with a warning.
     *
     * @param socketDir the sandbox's socket directory on this host
     */
    public static boolean start(SandboxDriver driver, SandboxId sandbox, Path socketDir) {
        install(socketDir);
        String mount = SandboxConfig.SOCKET_MOUNT;
        String port = String.valueOf(EgressProxy.PORT);
        String probe = "node -e 'require(\"net\").connect(" + port + ",\"127.0.0.1\").on(\"connect\",()=>process.exit(0))"
                + ".on(\"error\",()=>process.exit(1))'";
        String script = "command -v node >/dev/null 2>&1 || exit 127\n"
                + probe + " 2>/dev/null && exit 0\n"
                + "node " + mount + "/" + SCRIPT + " " + port + " " + mount + "/" + EgressProxy.SOCKET
                + " </dev/null >/dev/null 2>&1 &\n"
                + "i=0; while [ $i -lt 100 ]; do " + probe + " 2>/dev/null && exit 0; i=$((i+1)); sleep 0.1; done\n"
                + "exit 1\n";
        ExecResult result = driver.run(sandbox, new ExecRequest(List.of("/bin/sh", "-c", script), null, Map.of(),
                START_TIMEOUT));
        if (result.exitCode() != 0) {
            log.warn("the egress forwarder did not start in {} (exit {}{}): its commands cannot reach the network",
                    sandbox, result.exitCode(), result.exitCode() == 127 ? ": the image has no node" : "");
            return false;
        }
        return true;
    }

    private static void install(Path dir) {
        try (InputStream script = EgressForwarder.class.getResourceAsStream("/dev/opencomputer/brain/sockets/" + SCRIPT)) {
            if (script == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the brain's resources");
            }
            Files.createDirectories(dir);
            Path tmp = dir.resolve(SCRIPT + ".tmp");
            Files.copy(script, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setReadable(true, false);
            Files.move(tmp, dir.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the egress forwarder into " + dir, e);
        }
    }
}
