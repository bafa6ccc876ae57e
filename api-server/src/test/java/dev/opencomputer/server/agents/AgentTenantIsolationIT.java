package dev.opencomputer.server.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** Another tenant's agent must be indistinguishable from an agent that does not exist. */
class AgentTenantIsolationIT extends ApiITBase {

    private static final String MISSING = "agt_0000000000000000deadbeef";

    record Call(HttpMethod method, Function<String, String> uri, Object body) {
    }

    private static final List<Call> EVERY_AGENT_ENDPOINT = List.of(
            new Call(HttpMethod.GET, id -> "/v1/agents/" + id, null),
            new Call(HttpMethod.PATCH, id -> "/v1/agents/" + id, Map.of("prompt", "hijacked")),
            new Call(HttpMethod.DELETE, id -> "/v1/agents/" + id, null),
            new Call(HttpMethod.GET, id -> "/v1/agents/" + id + "/versions", null),
            new Call(HttpMethod.GET, id -> "/v1/agents/" + id + "/versions/1", null));

    @Test
    void everyAgentEndpointAnswersAnotherTenantsIdExactlyLikeAMissingOne() {
        var owner = newTenant("owner");
        var intruder = newTenant("intruder");
        String id = (String) as(owner.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "private", "model", "claude")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");

        for (Call call : EVERY_AGENT_ENDPOINT) {
            EntityExchangeResult<byte[]> foreign = send(intruder.key(), call, id);
            EntityExchangeResult<byte[]> missing = send(intruder.key(), call, MISSING);
            assertThat(foreign.getStatus().value()).as(call.method() + " " + call.uri().apply(id)).isEqualTo(404);
            assertThat(new String(foreign.getResponseBody()))
                    .isEqualTo(new String(missing.getResponseBody()).replace(MISSING, id));
            assertThat(foreign.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        }
        as(intruder.key()).get().uri("/v1/agents").exchange()
                .expectBody().jsonPath("$.data.length()").isEqualTo(0);
        as(owner.key()).get().uri("/v1/agents/" + id).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.version").isEqualTo(1).jsonPath("$.prompt").isEqualTo("");
    }

    private EntityExchangeResult<byte[]> send(String key, Call call, String id) {
        var spec = as(key).method(call.method()).uri(call.uri().apply(id));
        if (call.body() != null) {
            return spec.contentType(MediaType.APPLICATION_JSON).bodyValue(call.body()).exchange()
                    .expectBody().returnResult();
        }
        return spec.exchange().expectBody().returnResult();
    }
}
