package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.testing.TestEngine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The model key is used for every model call and found nowhere else: not in the sandbox (its
 * environment, processes, files, the container's configuration and labels), not in the event log
 * or anything streamed live, not in the database, not in any log line at DEBUG.
 */
class KeysStayOutIT {

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logLines.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : " " + event.getThrowableProxy().getMessage()));
        }
    };
    private Level rootLevel;
    private Testbed bed;

    @BeforeEach
    void captureEveryLogLine() {
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        capture.start();
        root.addAppender(capture);
    }

    @AfterEach
    void stopCapturing() {
        if (bed != null) {
            bed.close();
        }
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void theModelKeyReachesTheModelAndNothingElse() throws Exception {
        bed = new Testbed(ModelScript.of(
                ScriptedTurn.text("Looking around.")
                        .withToolCall("bash", "{\"command\":\"env; tr '\\\\0' '\\\\n' < /proc/1/environ; id; ls -la / /tmp\"}")
                        .withToolCall("write_file", "{\"path\":\"notes.txt\",\"content\":\"hello\"}"),
                ScriptedTurn.text("Done.")).onExhausted(ModelScript.Exhaustion.ERROR));
        String canary = bed.modelKey;
        SessionId id = bed.start("Show me your environment", ModelProvider.ANTHROPIC);
        SandboxId sandbox = bed.setups.load(id).orElseThrow().sandbox().id();
        List<String> streamed = subscribe(id);
        bed.worker(bed.properties().build());

        bed.awaitIdle(id);

        List<RecordedRequest> requests = bed.models.requests();
        assertThat(requests).hasSize(2).allSatisfy(r -> assertThat(r.apiKey()).isEqualTo(canary));
        assertThat(bed.types(id)).contains("command.exited", "file.write");
        bed.await(() -> streamed.stream().anyMatch(json -> json.contains("\"type\":\"session.idle\"")),
                "the stream to deliver session.idle");
        assertThat(streamed).anyMatch(json -> json.contains("\"type\":\"agent.delta\""));
        assertThat(String.join("\n", streamed)).doesNotContain(canary);
        assertThat(bed.dump()).contains("command.exited").doesNotContain(canary);
        assertThat(containerInspection(sandbox)).contains("\"Labels\"").doesNotContain(canary);
        assertThat(everythingInTheSandbox(sandbox)).contains("OC_EXEC_ID").contains("hello").doesNotContain(canary);
        assertThat(logLines).anyMatch(line -> line.contains("brain worker")).noneMatch(line -> line.contains(canary));
    }

    private List<String> subscribe(SessionId id) {
        List<String> items = new CopyOnWriteArrayList<>();
        bed.eventLog.subscribe(id, 0).subscribe(new Flow.Subscriber<StreamItem>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(StreamItem item) {
                items.add(item.json());
            }

            @Override
            public void onError(Throwable throwable) {
            }

            @Override
            public void onComplete() {
            }
        });
        return items;
    }

    /** The engine's raw JSON for the container: its environment, command, labels, mounts. */
    private static String containerInspection(SandboxId sandbox) throws Exception {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(TestEngine.dockerHost())
                .build();
        try (DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(TestEngine.dockerHost()))
                .sslConfig(config.getSSLConfig()).build();
                DockerHttpClient.Response response = http.execute(DockerHttpClient.Request.builder()
                        .method(DockerHttpClient.Request.Method.GET).path("/containers/oc-" + sandbox + "/json")
                        .build());
                InputStream body = response.getBody()) {
            return new String(body.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The environment and command line of every process, and every small file outside the host's /usr. */
    private String everythingInTheSandbox(SandboxId sandbox) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        String script = """
                for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null; echo; done
                find / \\( -path /proc -o -path /sys -o -path /usr -o -path /dev \\) -prune -o -type f -size -1024k \
                  -exec cat {} + 2>/dev/null
                true""";
        bed.sandboxes.exec(sandbox, ExecRequest.shell(script), (kind, chunk) -> all.writeBytes(chunk)).await();
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
