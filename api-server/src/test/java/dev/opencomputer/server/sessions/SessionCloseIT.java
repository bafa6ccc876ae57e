package dev.opencomputer.server.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.session.SandboxId;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Closing and destroying sessions against a real engine, and listing what is left. */
class SessionCloseIT extends SessionApiITBase {

    @Autowired
    SandboxDriver driver;
    @Autowired
    JdbcClient jdbc;

    @Test
    void closingASessionRemovesItsSandboxAndKeepsItsLogReadable() {
        Setup setup = tenantWithAgent("closer");
        var key = setup.tenant().key();
        Map<String, Object> session = start(setup, "hello");
        String id = (String) session.get("id");
        SandboxId sandbox = SandboxId.parse((String) session.get("sandboxId"));
        assertThat(driver.inspect(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);

        as(key).post().uri("/v1/sessions/" + id + "/close").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("closed").jsonPath("$.lastSeq").isEqualTo(3);
        assertThatThrownBy(() -> driver.inspect(sandbox)).isInstanceOf(SandboxNotFoundException.class);
        as(key).get().uri("/v1/sessions/" + id + "/events?after=2").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].type").isEqualTo("session.closed");
        // closing again changes nothing
        as(key).post().uri("/v1/sessions/" + id + "/close").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.lastSeq").isEqualTo(3);
        as(key).post().uri("/v1/sessions/" + id + "/messages").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("text", "more")).exchange().expectStatus().isEqualTo(409);
        as(key).get().uri("/v1/sessions?status=closed").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].id").isEqualTo(id).jsonPath("$.data[0].sandboxId")
                .isEqualTo(sandbox.value());
    }

    @Test
    void aSharedSandboxStaysUntilTheLastSessionUsingItIsClosed() {
        Setup setup = tenantWithAgent("sharer");
        var key = setup.tenant().key();
        Map<String, Object> first = start(setup, "one");
        SandboxId sandbox = SandboxId.parse((String) first.get("sandboxId"));
        String second = (String) as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "two", "sandbox", sandbox.value())).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        as(key).post().uri("/v1/sessions/" + first.get("id") + "/close").exchange().expectStatus().isOk();
        assertThat(driver.inspect(sandbox).status()).isEqualTo(SandboxStatus.RUNNING);
        as(key).post().uri("/v1/sessions/" + second + "/close").exchange().expectStatus().isOk();
        assertThatThrownBy(() -> driver.inspect(sandbox)).isInstanceOf(SandboxNotFoundException.class);
    }

    @Test
    void aSandboxOfTheTenantThatASessionOnlyAttachedToOutlivesIt() {
        Setup setup = tenantWithAgent("attacher");
        var key = setup.tenant().key();
        String sandbox = (String) as(key).post().uri("/v1/sandboxes").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody().get("id");
        String id = (String) as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", "hi", "sandbox", sandbox)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        as(key).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isNoContent();
        assertThat(driver.inspect(SandboxId.parse(sandbox)).status()).isEqualTo(SandboxStatus.RUNNING);
        as(key).delete().uri("/v1/sandboxes/" + sandbox).exchange().expectStatus().isNoContent();
    }

    @Test
    void destroyingASessionRemovesItsEventsAndWorkspace() {
        Setup setup = tenantWithAgent("destroyer");
        Setup other = tenantWithAgent("bystander");
        var key = setup.tenant().key();
        Map<String, Object> session = start(setup, "hello");
        String id = (String) session.get("id");
        SandboxId sandbox = SandboxId.parse((String) session.get("sandboxId"));

        as(other.tenant().key()).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isNotFound();
        as(key).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isNoContent();
        as(key).get().uri("/v1/sessions/" + id).exchange().expectStatus().isNotFound();
        as(key).get().uri("/v1/sessions/" + id + "/events").exchange().expectStatus().isNotFound();
        assertThat(jdbc.sql("select count(*) from session_events where session_id = ?").param(id)
                .query(Long.class).single()).isZero();
        assertThat(driver.list()).noneMatch(state -> state.id().equals(sandbox));
        as(key).delete().uri("/v1/sessions/" + id).exchange().expectStatus().isNotFound();
    }

    @Test
    void sessionsAreListedByAgentAndCreationTime() {
        Setup setup = tenantWithAgent("filterer");
        var key = setup.tenant().key();
        String other = (String) as(key).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "reviewer", "model", "claude-sonnet-4-5")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        String early = startId(setup);
        Instant between = Instant.parse((String) as(key).get().uri("/v1/sessions/" + early).exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("createdAt")).plusMillis(1);
        String late = (String) as(key).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "reviewer", "input", "look")).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");

        as(key).get().uri("/v1/sessions?agent=reviewer").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(late);
        as(key).get().uri("/v1/sessions?agent=" + other).exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1);
        as(key).get().uri("/v1/sessions?agent=nobody").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
        as(key).get().uri("/v1/sessions?createdBefore=" + between).exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(1).jsonPath("$.data[0].id").isEqualTo(early);
        as(key).get().uri("/v1/sessions?createdAfter=" + between + "&agent=coder").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        as(key).get().uri("/v1/sessions?createdAfter=yesterday").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("createdAfter");
        as(key).post().uri("/v1/sessions/" + early + "/close").exchange().expectStatus().isOk();
        as(key).post().uri("/v1/sessions/" + late + "/close").exchange().expectStatus().isOk();
    }
}
