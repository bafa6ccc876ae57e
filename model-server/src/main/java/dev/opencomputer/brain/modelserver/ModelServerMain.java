package dev.opencomputer.brain.modelserver;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link ModelServer} until interrupted:
 * {@code java -jar model-server-exec.jar [--port 8089] [--host 127.0.0.1] [--script file.json]}.
 */
public final class ModelServerMain {

    private static final String USAGE = """
            usage: model-server [--port N] [--host ADDRESS] [--script FILE]
              --port    port to listen on (default 8089; 0 picks a free one)
              --host    address to listen on (default 127.0.0.1)
              --script  a JSON model script (default: the built-in demo script)
            Environment: OC_MODEL_SERVER_PORT, OC_MODEL_SERVER_HOST, OC_MODEL_SERVER_SCRIPT.
            """;

    private ModelServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(env("OC_MODEL_SERVER_PORT", "8089"));
        String host = env("OC_MODEL_SERVER_HOST", "127.0.0.1");
        String scriptFile = env("OC_MODEL_SERVER_SCRIPT", "");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--host" -> host = value(args, ++i);
                case "--script" -> scriptFile = value(args, ++i);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.print("unknown argument: " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        ModelScript script;
        try {
            script = scriptFile.isEmpty() ? ModelScript.defaultScript() : ModelScript.load(Path.of(scriptFile));
        } catch (InvalidModelScriptException e) {
            System.err.println("invalid model script " + scriptFile + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss");
        ModelServer server = ModelServer.builder().host(host).port(port).script(script)
                .log(line -> System.out.println(LocalTime.now().format(time) + " " + line)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("OpenComputer model server listening on " + server.baseUrl());
        System.out.println("  Anthropic base URL: " + server.anthropicBaseUrl());
        System.out.println("  OpenAI base URL:    " + server.openAiBaseUrl());
        System.out.println("  script: " + (scriptFile.isEmpty() ? "built-in demo" : scriptFile) + ", " + script);
        System.out.println("  request log: GET " + server.baseUrl() + "/_requests");
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            System.err.print("missing value for " + args[index - 1] + "\n" + USAGE);
            System.exit(2);
        }
        return args[index];
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
