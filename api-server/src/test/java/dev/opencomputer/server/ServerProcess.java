package dev.opencomputer.server;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server in a process of its own, for tests that {@code kill -9} it: the built jar
 * ({@code target/opencomputer.jar}) or, without it, the test classpath, with the test run's master
 * key. Its output goes to {@code target/<log>.log}.
 */
public final class ServerProcess {

    private ServerProcess() {
    }

    /** Starts {@code java … OpenComputerApplication --server.port=0 <args>}. */
    public static Process start(String log, String heap, List<String> args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:TieredStopAtLevel=1"));
        File jar = new File("target/opencomputer.jar");
        if (jar.isFile()) {
            command.addAll(List.of("-jar", jar.getPath()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                    "dev.opencomputer.server.OpenComputerApplication"));
        }
        command.add("--server.port=0");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", log + ".log").toFile());
        builder.environment().put("OPENCOMPUTER_SECRETS_MASTER_KEY", ApiITBase.MASTER_KEY);
        return builder.start();
    }
}
