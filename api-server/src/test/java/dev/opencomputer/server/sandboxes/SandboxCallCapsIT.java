package dev.opencomputer.server.sandboxes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestEngine;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * One tenant cannot drain the engine connection pools: commands run to their end, streamed
 * commands and file transfers are capped per tenant (here one of each at once); the call over a
 * cap is a 429 {@code limit-exceeded} with {@code Retry-After}, another tenant's call goes through
 * at the same time, and a finished call frees its slot.
 */
@TestPropertySource(properties = {
        "opencomputer.api.tiers.standard.max-concurrent-execs=1",
        "opencomputer.api.tiers.standard.max-streamed-execs=1",
        "opencomputer.api.tiers.standard.max-file-transfers=1"})
class SandboxCallCapsIT extends ApiITBase {

    private static final String LIMIT = "https://opencomputer.dev/problems/limit-exceeded";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Autowired
    EngineCallPermits permits;

    @DynamicPropertySource
    static void sandboxes(DynamicPropertyRegistry registry) {
        registry.add("opencomputer.sandbox.docker-host", TestEngine::dockerHost);
        registry.add("opencomputer.sandbox.default-image", TestEngine::busyboxImage);
    }

    private String sandbox(TestTenant tenant) {
        return (String) as(tenant.key()).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id");
    }

    private HttpRequest.Builder request(TestTenant tenant, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + tenant.key()).timeout(Duration.ofSeconds(60));
    }

    private HttpResponse<String> exec(TestTenant tenant, String sandbox, String command, String accept)
            throws Exception {
        return HTTP.send(request(tenant, "/v1/sandboxes/" + sandbox + "/exec").header("Accept", accept)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"" + command + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertLimited(HttpResponse<String> response, String limit) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(response.body()).contains(LIMIT).contains("\"" + limit + "\"");
    }

    private void awaitHeld(TestTenant tenant, EngineCallPermits.Kind kind, int n) {
        Await.until(Duration.ofSeconds(30), tenant.id() + " holds " + n + " " + kind,
                () -> permits.held(TenantId.parse(tenant.id()), kind) == n);
    }

    @Test
    void aTenantAtItsExecCapGets429WhileAnotherTenantRunsCommands() throws Exception {
        TestTenant busy = newTenant("execs-busy");
        TestTenant quiet = newTenant("execs-quiet");
        String busyBox = sandbox(busy);
        String quietBox = sandbox(quiet);
        CompletableFuture<HttpResponse<String>> long_ = CompletableFuture.supplyAsync(() -> {
            try {
                return exec(busy, busyBox, "sleep 4; echo slept", "application/json");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitHeld(busy, EngineCallPermits.Kind.EXEC, 1);

        assertLimited(exec(busy, busyBox, "echo second", "application/json"), "maxConcurrentExecs");
        HttpResponse<String> other = exec(quiet, quietBox, "echo other", "application/json");
        assertThat(other.statusCode()).as(other.body()).isEqualTo(200);
        assertThat(other.body()).contains("other");

        assertThat(long_.get(60, TimeUnit.SECONDS).body()).contains("slept");
        awaitHeld(busy, EngineCallPermits.Kind.EXEC, 0);
        assertThat(exec(busy, busyBox, "echo again", "application/json").statusCode()).isEqualTo(200);
    }

    @Test
    void aTenantAtItsStreamedExecCapGets429AndTheSlotIsFreedWhenTheClientLeaves() throws Exception {
        TestTenant busy = newTenant("streamed-busy");
        TestTenant quiet = newTenant("streamed-quiet");
        String busyBox = sandbox(busy);
        String quietBox = sandbox(quiet);
        HttpResponse<InputStream> open = HTTP.send(request(busy, "/v1/sandboxes/" + busyBox + "/exec")
                .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"echo started; sleep 30\"}")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(open.statusCode()).isEqualTo(200);
        awaitHeld(busy, EngineCallPermits.Kind.STREAMED_EXEC, 1);

        assertLimited(exec(busy, busyBox, "echo second", "text/event-stream"), "maxStreamedExecs");
        assertThat(exec(busy, busyBox, "echo json", "application/json").statusCode())
                .as("a command run to its end counts apart").isEqualTo(200);
        HttpResponse<String> other = exec(quiet, quietBox, "echo other", "text/event-stream");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).contains("event:exit").contains("other");

        open.body().close(); // the client goes away: the command is killed, the slot freed
        awaitHeld(busy, EngineCallPermits.Kind.STREAMED_EXEC, 0);
        assertThat(exec(busy, busyBox, "echo again", "text/event-stream").body()).contains("again");
    }

    @Test
    void aTenantAtItsFileTransferCapGets429WhileAnotherTenantMovesFiles() throws Exception {
        TestTenant busy = newTenant("files-busy");
        TestTenant quiet = newTenant("files-quiet");
        String busyBox = sandbox(busy);
        String quietBox = sandbox(quiet);
        assertThat(exec(busy, busyBox, "dd if=/dev/zero of=big.bin bs=1M count=64", "application/json")
                .statusCode()).isEqualTo(200);
        // a download the client does not read: the server waits for it, holding the transfer
        HttpResponse<InputStream> download = HTTP.send(request(busy, "/v1/sandboxes/" + busyBox
                + "/files?path=big.bin").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(download.statusCode()).isEqualTo(200);
        awaitHeld(busy, EngineCallPermits.Kind.FILE_TRANSFER, 1);

        assertLimited(HTTP.send(request(busy, "/v1/sandboxes/" + busyBox + "/files?path=other.txt")
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()),
                "maxFileTransfers");
        assertLimited(HTTP.send(request(busy, "/v1/sandboxes/" + busyBox + "/files?path=big.bin").GET().build(),
                HttpResponse.BodyHandlers.ofString()), "maxFileTransfers");
        assertThat(HTTP.send(request(quiet, "/v1/sandboxes/" + quietBox + "/files?path=q.txt")
                .PUT(HttpRequest.BodyPublishers.ofString("quiet")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(204);
        assertThat(HTTP.send(request(quiet, "/v1/sandboxes/" + quietBox + "/files?path=q.txt").GET().build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("quiet");

        download.body().close(); // the client goes away: the transfer ends, the slot is freed
        awaitHeld(busy, EngineCallPermits.Kind.FILE_TRANSFER, 0);
        assertThat(HTTP.send(request(busy, "/v1/sandboxes/" + busyBox + "/files?path=small.txt")
                .PUT(HttpRequest.BodyPublishers.ofString("small")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(204);
    }
}
