package dev.opencomputer.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.ApiITBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

class SecretsIT extends ApiITBase {

    private static final String PROBLEMS = "https://opencomputer.dev/problems/";

    @Autowired
    SecretStore store;

    @Test
    void putCreatesThenReplacesAndNeverAnswersWithTheValue() {
        var tenant = newTenant("secrets-put");

        byte[] created = put(tenant.key(), "ANTHROPIC_API_KEY", "{\"value\":\"sk-first\"}")
                .expectStatus().isCreated()
                .expectHeader().location("/v1/secrets/ANTHROPIC_API_KEY")
                .expectBody()
                .jsonPath("$.name").isEqualTo("ANTHROPIC_API_KEY")
                .jsonPath("$.version").isEqualTo(1)
                .jsonPath("$.createdAt").exists()
                .jsonPath("$.updatedAt").exists()
                .jsonPath("$.value").doesNotExist()
                .returnResult().getResponseBody();
        byte[] replaced = put(tenant.key(), "ANTHROPIC_API_KEY", "{\"value\":\"sk-second\"}")
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.version").isEqualTo(2)
                .returnResult().getResponseBody();

        assertThat(new String(created)).doesNotContain("sk-first");
        assertThat(new String(replaced)).doesNotContain("sk-second");
        assertThat(store.reveal(tenant.id(), SecretName.parse("ANTHROPIC_API_KEY"), "test").plaintext())
                .isEqualTo("sk-second");
    }

    @Test
    void listsNamesAndTimesInNameOrderPageByPage() {
        var tenant = newTenant("secrets-list");
        for (String name : List.of("c", "a", "b")) {
            put(tenant.key(), name, "{\"value\":\"v-" + name + "\"}").expectStatus().isCreated();
        }

        var first = as(tenant.key()).get().uri("/v1/secrets?limit=2").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data[0].name").isEqualTo("a")
                .jsonPath("$.data[1].name").isEqualTo("b")
                .jsonPath("$.data[0].version").isEqualTo(1)
                .jsonPath("$.data[0].value").doesNotExist()
                .returnResult();
        String body = new String(first.getResponseBody());
        String cursor = body.replaceAll(".*\"nextCursor\":\"([^\"]+)\".*", "$1");

        as(tenant.key()).get().uri("/v1/secrets?limit=2&cursor=" + cursor).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data.length()").isEqualTo(1)
                .jsonPath("$.data[0].name").isEqualTo("c")
                .jsonPath("$.nextCursor").doesNotExist();
        assertThat(body).doesNotContain("v-a", "v-b");
    }

    @Test
    void getShowsOneSecretAndDeleteRemovesIt() {
        var tenant = newTenant("secrets-delete");
        put(tenant.key(), "gone", "{\"value\":\"x\"}").expectStatus().isCreated();

        as(tenant.key()).get().uri("/v1/secrets/gone").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("gone").jsonPath("$.value").doesNotExist();
        as(tenant.key()).delete().uri("/v1/secrets/gone").exchange().expectStatus().isNoContent();
        as(tenant.key()).delete().uri("/v1/secrets/gone").exchange()
                .expectStatus().isNotFound()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "not-found");
        as(tenant.key()).get().uri("/v1/secrets/gone").exchange().expectStatus().isNotFound();
    }

    @Test
    void anotherTenantsSecretAnswersExactlyLikeAMissingOne() {
        var owner = newTenant("secrets-owner");
        var intruder = newTenant("secrets-intruder");
        put(owner.key(), "private", "{\"value\":\"owner-only\"}").expectStatus().isCreated();

        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.DELETE)) {
            EntityExchangeResult<byte[]> foreign = as(intruder.key()).method(method).uri("/v1/secrets/private")
                    .exchange().expectBody().returnResult();
            EntityExchangeResult<byte[]> missing = as(intruder.key()).method(method).uri("/v1/secrets/nothing")
                    .exchange().expectBody().returnResult();
            assertThat(foreign.getStatus().value()).isEqualTo(404);
            assertThat(new String(foreign.getResponseBody()))
                    .isEqualTo(new String(missing.getResponseBody()).replace("nothing", "private"));
        }
        as(intruder.key()).get().uri("/v1/secrets").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        // The intruder's PUT creates its own secret; the owner's stays as it was.
        put(intruder.key(), "private", "{\"value\":\"intruder\"}").expectStatus().isCreated();
        assertThat(store.reveal(owner.id(), SecretName.parse("private"), "test").plaintext()).isEqualTo("owner-only");
        as(owner.key()).get().uri("/v1/secrets/private").exchange()
                .expectBody().jsonPath("$.version").isEqualTo(1);
    }

    @Test
    void badNamesAndValuesAreProblemsThatNameTheField() {
        var tenant = newTenant("secrets-invalid");

        put(tenant.key(), "1-starts-with-a-digit", "{\"value\":\"x\"}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "validation-failed")
                .jsonPath("$.errors[0].field").isEqualTo("name");
        put(tenant.key(), "ok", "{}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("value");
        put(tenant.key(), "ok", "{\"value\":\"\"}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("value");
        put(tenant.key(), "ok", "{\"value\":42}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].message").isEqualTo("must be a string");
        put(tenant.key(), "ok", "{\"value\":\"" + "x".repeat(64 * 1024 + 1) + "\"}")
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("value")
                .jsonPath("$.errors[0].message").value(m -> assertThat((String) m).contains("at most 65536 bytes"));
        put(tenant.key(), "ok", "{\"value\": not json")
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "malformed-request-body");
        as(tenant.key()).put().uri("/v1/secrets/ok").contentType(MediaType.TEXT_PLAIN).bodyValue("x").exchange()
                .expectStatus().isEqualTo(415);
        as(tenant.key()).get().uri("/v1/secrets").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
    }

    @Test
    void onlyATenantKeyReachesSecretsAndOnlyTheOperatorRotates() {
        var tenant = newTenant("secrets-roles");

        operator().get().uri("/v1/secrets").exchange().expectStatus().isForbidden();
        anonymous().get().uri("/v1/secrets").exchange().expectStatus().isUnauthorized();
        as(tenant.key()).post().uri("/v1/admin/secrets/rewrap").exchange().expectStatus().isForbidden();
        as(tenant.key()).get().uri("/v1/admin/secrets/keyring").exchange().expectStatus().isForbidden();
        operator().get().uri("/v1/admin/secrets/keyring").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.activeKeyVersion").isEqualTo(1)
                .jsonPath("$.configuredVersions[0]").isEqualTo(1);
        operator().post().uri("/v1/admin/secrets/rewrap").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.activeKeyVersion").isEqualTo(1)
                .jsonPath("$.rewrapped").isEqualTo(0)
                .jsonPath("$.failed.length()").isEqualTo(0);
    }

    @Test
    void anAgentWhoseCredentialNamesAMissingSecretIsRejected() {
        var tenant = newTenant("secrets-agents");
        Map<String, Object> agent = Map.of("name", "coder", "model", "claude-sonnet-4-5", "credential", "ANTHROPIC_API_KEY");

        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(agent).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody()
                .jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-secret")
                .jsonPath("$.secret").isEqualTo("ANTHROPIC_API_KEY")
                .jsonPath("$.errors[0].field").isEqualTo("credential")
                .jsonPath("$.detail").value(d -> assertThat((String) d).contains("PUT /v1/secrets/ANTHROPIC_API_KEY"));

        put(tenant.key(), "ANTHROPIC_API_KEY", "{\"value\":\"sk-ant\"}").expectStatus().isCreated();
        String id = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(agent).exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");

        as(tenant.key()).patch().uri("/v1/agents/" + id).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("credential", "OPENAI_API_KEY")).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-secret");
        as(tenant.key()).get().uri("/v1/agents/" + id).exchange()
                .expectBody().jsonPath("$.version").isEqualTo(1).jsonPath("$.credential").isEqualTo("ANTHROPIC_API_KEY");
    }

    @Test
    void anotherTenantsSecretDoesNotSatisfyAnAgentsCredential() {
        var owner = newTenant("secrets-cred-owner");
        var other = newTenant("secrets-cred-other");
        put(owner.key(), "SHARED_NAME", "{\"value\":\"x\"}").expectStatus().isCreated();

        as(other.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "a", "model", "m", "credential", "SHARED_NAME")).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-secret");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec put(String key, String name, String json) {
        return as(key).put().uri("/v1/secrets/" + name).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange();
    }
}
