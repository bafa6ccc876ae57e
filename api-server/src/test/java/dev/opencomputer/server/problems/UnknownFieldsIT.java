package dev.opencomputer.server.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * Every request body on every route family refuses the fields it does not know — a typo, a nested
 * unknown field, {@code tenantId} — with one 422 {@code unknown-field} that names each of them by its
 * path, and nothing is created; read-only fields sent back after a GET stay ignored.
 */
class UnknownFieldsIT extends ApiITBase {

    private static final String TYPE = "https://opencomputer.dev/problems/unknown-field";
    private static final String SESSION = "ses_000000000000000000000000";
    private static final String SANDBOX = "sbx_000000000000000000000000";
    private static final String ENDPOINT = "we_000000000000000000000000";
    private static final String TRIGGER = "ght_000000000000000000000000";
    private static final String AGENT = """
            {"name":"typo","model":"claude-sonnet-4-5","prompt":"You fix bugs.","credential":"anthropic-key\"""";

    /** One request and the unknown fields its answer must name. */
    record Row(String route, boolean operator, String body, List<String> unknown) {
    }

    private static List<Row> rows(String agentId, String tenantId) {
        return List.of(
                new Row("POST /v1/agents", false, AGENT + ",\"promt\":\"typo\"}", List.of("promt")),
                new Row("POST /v1/agents", false, AGENT + """
                        ,"promt":"x","tenantId":"ten_000000000000000000000000","sandbox":{"image":"i","imgae":"j"},
                        "limits":{"maxStepz":3},"permissions":{"default":"allow","rulez":[]},
                        "clientTools":[{"name":"t","description":"d"},{"name":"u","descripton":"d"}],
                        "mcpServers":[{"name":"m","type":"http","url":"https://mcp.example.com","hedaers":{}}],
                        "budget":{"maxTokens":5,"maxTokenz":5}}""",
                        List.of("promt", "tenantId", "sandbox.imgae", "limits.maxStepz", "permissions.rulez",
                                "clientTools[1].descripton", "mcpServers[0].hedaers", "budget.maxTokenz")),
                new Row("PATCH /v1/agents/" + agentId, false,
                        "{\"promt\":\"x\",\"limits\":{\"maxStepz\":3},\"tenantId\":\"ten_000000000000000000000000\"}",
                        List.of("promt", "limits.maxStepz", "tenantId")),
                new Row("POST /v1/sessions", false, """
                        {"agent":"typo","input":"hi","inptu":"x","budget":{"maxCost":1},
                         "mcpServers":[{"name":"m","type":"stdio","command":"x","argz":[]}]}""",
                        List.of("inptu", "budget.maxCost", "mcpServers[0].argz")),
                new Row("POST /v1/sessions/" + SESSION + "/messages", false, "{\"text\":\"hi\",\"txet\":\"x\"}",
                        List.of("txet")),
                new Row("PATCH /v1/sessions/" + SESSION + "/config", false, "{\"model\":\"m\",\"modle\":\"x\"}",
                        List.of("modle")),
                new Row("POST /v1/sessions/" + SESSION + "/permissions/perm_1", false,
                        "{\"decision\":\"allow\",\"reason\":\"x\"}", List.of("reason")),
                new Row("POST /v1/sessions/" + SESSION + "/tool-results", false,
                        "{\"callId\":\"c\",\"output\":\"o\",\"isError\":true}", List.of("isError")),
                new Row("PATCH /v1/sessions/" + SESSION + "/budget", false, "{\"maxTokens\":5,\"maxTokenz\":5}",
                        List.of("maxTokenz")),
                new Row("POST /v1/sandboxes", false, "{\"image\":\"x\",\"cpus\":2}", List.of("cpus")),
                new Row("POST /v1/sandboxes/" + SANDBOX + "/exec", false, "{\"command\":[\"ls\"],\"cmd\":\"ls\"}",
                        List.of("cmd")),
                new Row("PUT /v1/secrets/typo", false, "{\"value\":\"v\",\"valeu\":\"w\"}", List.of("valeu")),
                new Row("POST /v1/webhook-endpoints", false, "{\"url\":\"https://example.com/h\",\"event\":[\"x\"]}",
                        List.of("event")),
                new Row("PATCH /v1/webhook-endpoints/" + ENDPOINT, false, "{\"descripton\":\"d\",\"secret\":\"s\"}",
                        List.of("descripton", "secret")),
                new Row("POST /v1/webhook-endpoints/" + ENDPOINT + "/recover", false,
                        "{\"since\":\"2026-01-01T00:00:00Z\",\"until\":\"x\"}", List.of("until")),
                new Row("POST /v1/api-keys", false, "{\"name\":\"k\",\"scopes\":[]}", List.of("scopes")),
                new Row("POST /v1/tenants", true, "{\"name\":\"t\",\"teir\":\"x\"}", List.of("teir")),
                new Row("PATCH /v1/tenants/" + tenantId, true, "{\"nmae\":\"y\"}", List.of("nmae")),
                new Row("POST /v1/github/triggers", false, "{\"repository\":\"o/r\",\"agent\":\"typo\",\"lable\":\"x\"}",
                        List.of("lable")),
                new Row("PATCH /v1/github/triggers/" + TRIGGER, false, "{\"lable\":\"x\",\"tenantId\":\"t\"}",
                        List.of("lable", "tenantId")));
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> everyRequestBodyNamesEachUnknownFieldInOneProblem() {
        TestTenant tenant = newTenant("unknown-fields");
        putSecret(tenant, "anthropic-key", "sk-ant-test");
        String agentId = createAgent(tenant, AGENT + "}");
        List<DynamicTest> tests = new ArrayList<>();
        for (Row row : rows(agentId, tenant.id())) {
            tests.add(DynamicTest.dynamicTest(row.route() + " names " + row.unknown(), () -> {
                String[] route = row.route().split(" ", 2);
                var answer = as(row.operator() ? OPERATOR_KEY : tenant.key()).method(HttpMethod.valueOf(route[0]))
                        .uri(route[1]).contentType(MediaType.APPLICATION_JSON).bodyValue(row.body()).exchange()
                        .expectStatus().isEqualTo(422)
                        .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody(Map.class).returnResult().getResponseBody();
                assertThat(answer).containsEntry("type", TYPE).containsEntry("status", 422);
                assertThat((List<Object>) answer.get("fields")).as("fields of %s", answer)
                        .containsExactlyInAnyOrderElementsOf(row.unknown());
                assertThat((List<?>) answer.get("errors")).hasSize(row.unknown().size());
                assertThat((String) answer.get("detail")).contains(row.unknown().getFirst());
            }));
        }
        tests.add(DynamicTest.dynamicTest("nothing was created or changed by any of them", () -> {
            as(tenant.key()).get().uri("/v1/agents").exchange().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1)
                    .jsonPath("$.data[0].version").isEqualTo(1);
            as(tenant.key()).get().uri("/v1/secrets/typo").exchange().expectStatus().isNotFound();
            as(tenant.key()).get().uri("/v1/sessions").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
            as(tenant.key()).get().uri("/v1/webhook-endpoints").exchange().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(0);
            as(tenant.key()).get().uri("/v1/api-keys").exchange().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(1);
        }));
        return tests.stream();
    }

    @Test
    @SuppressWarnings("unchecked")
    void readOnlyFieldsSentBackAfterAGetAreIgnored() {
        TestTenant tenant = newTenant("unknown-fields-read-only");
        putSecret(tenant, "anthropic-key", "sk-ant-test");
        String id = createAgent(tenant, AGENT + "}");
        Map<String, Object> got = as(tenant.key()).get().uri("/v1/agents/" + id).exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        assertThat(got).containsKeys("id", "version", "createdAt", "updatedAt");

        Map<String, Object> copy = new HashMap<>(got);
        copy.put("name", "copy");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(copy).exchange()
                .expectStatus().isCreated().expectBody().jsonPath("$.version").isEqualTo(1)
                .jsonPath("$.id").value(other -> assertThat(other).isNotEqualTo(id));
        got.put("prompt", "You fix bugs carefully.");
        as(tenant.key()).patch().uri("/v1/agents/" + id).contentType(MediaType.APPLICATION_JSON).bodyValue(got)
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.version").isEqualTo(2);

        Map<String, Object> secret = as(tenant.key()).get().uri("/v1/secrets/anthropic-key").exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        Map<String, Object> replaced = new HashMap<>(secret);
        replaced.put("value", "sk-ant-other");
        as(tenant.key()).put().uri("/v1/secrets/anthropic-key").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(replaced).exchange().expectStatus().isOk();

        Map<String, Object> withTenant = new HashMap<>(got);
        withTenant.put("tenantId", tenant.id());
        as(tenant.key()).patch().uri("/v1/agents/" + id).contentType(MediaType.APPLICATION_JSON).bodyValue(withTenant)
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.fields[0]").isEqualTo("tenantId");
    }

    @SuppressWarnings("unchecked")
    private String createAgent(TestTenant tenant, String body) {
        Map<String, Object> agent = as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body).exchange().expectStatus().isCreated().expectBody(Map.class).returnResult()
                .getResponseBody();
        return (String) agent.get("id");
    }
}
