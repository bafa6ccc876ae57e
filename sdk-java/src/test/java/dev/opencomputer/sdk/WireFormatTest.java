package dev.opencomputer.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.agents.UpdateAgentRequest;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class WireFormatTest {

    private final ScriptedApi api = ScriptedApi.start();
    private final OpenComputer oc = api.client();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void stop() {
        oc.close();
        api.close();
    }

    @Test
    void everyRequestCarriesTheBearerKeyAndAUserAgent() {
        api.answer(200, "{\"id\":\"ten_1\",\"name\":\"acme\",\"tier\":\"standard\"}");
        oc.tenants().current();
        var request = api.received().get(0);
        assertThat(request.header("Authorization")).isEqualTo("Bearer oc_test_key");
        assertThat(request.header("User-Agent")).startsWith("opencomputer-java/");
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(request.path()).isEqualTo("/v1/tenant");
    }

    @Test
    void aCreateSendsOnlyTheFieldsThatWereSet() {
        api.answer(201, "{\"id\":\"agt_1\",\"version\":1,\"createdAt\":\"2026-03-01T12:00:00Z\"}");
        var agent = oc.agents().create(CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5")
                .tools("bash", "read_file").maxSteps(7).putMetadata("team", "payments").build());

        assertThat(agent.createdAt()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));
        var sent = api.received().get(0);
        assertThat(sent.header("Content-Type")).isEqualTo("application/json");
        assertThat(json.readTree(sent.body())).isEqualTo(json.readTree("""
                {"name":"coder","model":"claude-sonnet-4-5","tools":["bash","read_file"],"limits":{"maxSteps":7},
                 "metadata":{"team":"payments"}}"""));
    }

    @Test
    void anUpdateIsAMergePatchWhereNullResetsAField() {
        api.answer(200, "{\"id\":\"agt_1\",\"version\":2}");
        oc.agents().update("agt_1", UpdateAgentRequest.builder().prompt("be careful").credential(null)
                .maxSteps(7).maxRunTimeSeconds(null).putMetadata("team", "infra").removeMetadata("old").build());

        var sent = api.received().get(0);
        assertThat(sent.method()).isEqualTo("PATCH");
        assertThat(sent.header("Content-Type")).isEqualTo("application/merge-patch+json");
        assertThat(json.readTree(sent.body())).isEqualTo(json.readTree("""
                {"prompt":"be careful","credential":null,"limits":{"maxSteps":7,"maxRunTimeSeconds":null},
                 "metadata":{"team":"infra","old":null}}"""));
    }

    @Test
    void aSecretIsPutAsAValueObjectAndRetriedAfterADroppedConnectionLikeARead() {
        api.drop().answer(201, "{\"name\":\"ANTHROPIC_API_KEY\",\"version\":1}");
        var secret = oc.secrets().put("ANTHROPIC_API_KEY", "sk-ant-123");

        assertThat(secret.version()).isEqualTo(1);
        assertThat(api.received()).hasSize(2).allSatisfy(sent -> {
            assertThat(sent.method()).isEqualTo("PUT");
            assertThat(sent.path()).isEqualTo("/v1/secrets/ANTHROPIC_API_KEY");
            assertThat(sent.header("Idempotency-Key")).isNull();
            assertThat(json.readTree(sent.body())).isEqualTo(json.readTree("{\"value\":\"sk-ant-123\"}"));
        });
    }

    @Test
    void idsAreEncodedAsOnePathSegment() {
        api.answer(404, "{\"status\":404}");
        assertThatThrownBy(() -> oc.agents().get("../tenants")).isInstanceOf(NotFoundException.class);
        assertThat(api.received().get(0).path()).isEqualTo("/v1/agents/..%2Ftenants");
    }

    @Test
    void unknownResponseFieldsAreIgnoredSoNewerServersDoNotBreakOlderClients() {
        api.answer(201, """
                {"tenant":{"id":"ten_1","name":"acme","tier":"standard","limits":{"maxRunningSessions":5,"maxLiveSandboxes":10},
                 "shinyNewField":[1,2]},"apiKey":{"id":"key_1","key":"oc_secret","prefix":"oc_abc"}}""");
        var created = oc.tenants().create(CreateTenantRequest.builder().name("acme").build());
        assertThat(created.tenant().limits().maxRunningSessions()).isEqualTo(5);
        assertThat(created.apiKey().key()).isEqualTo("oc_secret");
        assertThat(created.apiKey().toString()).doesNotContain("oc_secret");
    }

    @Test
    void theClientIsConfiguredFromTheEnvironment() {
        var env = Map.of(OpenComputer.API_KEY_ENV, "oc_from_env", OpenComputer.BASE_URL_ENV, api.uri() + "/");
        api.answer(200, "{\"id\":\"ten_1\"}");
        try (var fromEnv = OpenComputer.builder().fromEnv(env).build()) {
            assertThat(fromEnv.baseUrl()).isEqualTo(api.uri());
            fromEnv.tenants().current();
        }
        assertThat(api.received().get(0).header("Authorization")).isEqualTo("Bearer oc_from_env");
        assertThat(api.received().get(0).path()).isEqualTo("/v1/tenant");

        assertThatThrownBy(() -> OpenComputer.builder().fromEnv(Map.of()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("OPENCOMPUTER_API_KEY");
        try (var local = OpenComputer.builder().fromEnv(Map.of(OpenComputer.API_KEY_ENV, "k")).build()) {
            assertThat(local.baseUrl().toString()).isEqualTo("http://localhost:8080");
        }
    }
}
