package dev.opencomputer.server.tenants;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.beans.factory.annotation.Autowired;

@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class TenantsAndApiKeysIT extends ApiITBase {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void operatorCreatesATenantWhoseFirstKeyWorksAndIsStoredOnlyAsPrefixAndHash() {
        var tenant = newTenant("acme");
        assertThat(tenant.key()).matches("oc_[0-9a-z]{12}_[0-9a-f]{64}");

        as(tenant.key()).get().uri("/v1/tenant").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(tenant.id())
                .jsonPath("$.name").isEqualTo("acme")
                .jsonPath("$.tier").isEqualTo("standard")
                .jsonPath("$.limits.maxRunningSessions").isEqualTo(5)
                .jsonPath("$.limits.diskQuotaBytes").isEqualTo(10L * 1024 * 1024 * 1024)
                .jsonPath("$.limits.diskQuota").doesNotExist();

        List<Map<String, Object>> rows = jdbc.queryForList("select * from api_keys where tenant_id = ?", tenant.id());
        assertThat(rows).hasSize(1);
        String everything = rows.toString();
        assertThat(everything).doesNotContain(tenant.key().substring(16));
        assertThat(rows.get(0).get("prefix")).isEqualTo(tenant.key().substring(3, 15));
    }

    @Test
    void onlyTheOperatorManagesTenants() {
        var tenant = newTenant("not-an-operator");
        as(tenant.key()).post().uri("/v1/tenants").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "sneaky")).exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/forbidden");
        as(tenant.key()).get().uri("/v1/tenants").exchange().expectStatus().isForbidden();
        operator().get().uri("/v1/agents").exchange().expectStatus().isForbidden();
        operator().get().uri("/v1/tenants/" + tenant.id()).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.name").isEqualTo("not-an-operator");
    }

    @Test
    void operatorMovesATenantToAnotherTierOnlyWhenTheTierExists() {
        var tenant = newTenant("tiered");
        operator().patch().uri("/v1/tenants/" + tenant.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("tier", "platinum")).exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("tier");
        operator().patch().uri("/v1/tenants/" + tenant.id()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "renamed")).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.name").isEqualTo("renamed");
    }

    @Test
    void aKeyIsListedCreatedAndRevokedAndARevokedKeyIsRejected() {
        var tenant = newTenant("keys");
        String second = as(tenant.key()).post().uri("/v1/api-keys").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "ci")).exchange()
                .expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody().get("key").toString();

        as(second).get().uri("/v1/api-keys").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.data.length()").isEqualTo(2)
                .jsonPath("$.data[0].name").isEqualTo("ci")
                .jsonPath("$.data[0].prefix").isEqualTo(second.substring(3, 15))
                .jsonPath("$.data[0].lastUsedAt").isNotEmpty()
                .jsonPath("$.data[0].createdAt").isNotEmpty()
                .jsonPath("$.data[0].key").doesNotExist()
                .jsonPath("$.data[1].name").isEqualTo("default");

        String secondId = as(tenant.key()).get().uri("/v1/api-keys").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("data").toString()
                .replaceAll(".*?id=(key_[0-9a-f]{24}), name=ci.*", "$1");
        as(tenant.key()).delete().uri("/v1/api-keys/" + secondId).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.revokedAt").isNotEmpty();

        as(second).get().uri("/v1/tenant").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate", "Bearer realm=\"opencomputer\"")
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/credential-invalid");
        as(tenant.key()).get().uri("/v1/tenant").exchange().expectStatus().isOk();
    }

    @Test
    void anotherTenantCannotRevokeMyKey() {
        var mine = newTenant("mine");
        var theirs = newTenant("theirs");
        String myKeyId = as(mine.key()).get().uri("/v1/api-keys").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("data").toString()
                .replaceAll(".*?id=(key_[0-9a-f]{24}).*", "$1");
        as(theirs.key()).delete().uri("/v1/api-keys/" + myKeyId).exchange().expectStatus().isNotFound();
        as(mine.key()).get().uri("/v1/tenant").exchange().expectStatus().isOk();
    }

    @Test
    void credentialsNeverReachTheLogs(org.springframework.boot.test.system.CapturedOutput output) {
        var tenant = newTenant("quiet");
        as(tenant.key()).get().uri("/v1/tenant?token=" + tenant.key()).exchange().expectStatus().isOk();
        as(tenant.key() + "wrong").get().uri("/v1/agents").exchange().expectStatus().isUnauthorized();
        assertThat(output.getAll()).contains("GET /v1/tenant 200").doesNotContain(tenant.key().substring(16))
                .doesNotContain(OPERATOR_KEY);
    }

    @Test
    void missingMalformedAndUnknownCredentialsAreRejected() {
        anonymous().get().uri("/v1/agents").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/credential-missing");
        for (String bad : List.of("nonsense", "oc_abcdefghijkl_" + "0".repeat(64), OPERATOR_KEY + "x")) {
            as(bad).get().uri("/v1/agents").exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.type").isEqualTo("https://opencomputer.dev/problems/credential-invalid");
        }
        anonymous().get().uri("/v1/agents").header("Authorization", "Basic Zm9vOmJhcg==").exchange()
                .expectStatus().isUnauthorized();
    }
}
