package dev.opencomputer.server.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Every class of bad input gets an RFC 9457 problem with a stable type, and changes nothing. */
class BadInputIT extends ApiITBase {

    private static final String BASE = "https://opencomputer.dev/problems/";

    @Test
    void malformedJsonIsA400AndCreatesNothing() {
        var tenant = newTenant("malformed");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue("{\"name\": ")
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "malformed-request-body")
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.instance").isEqualTo("/v1/agents");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "malformed-request-body");
        as(tenant.key()).get().uri("/v1/agents").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
    }

    @Test
    void validationFailuresListEveryBadField() {
        var tenant = newTenant("invalid");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "no spaces allowed", "runtime", "wasm", "limits", Map.of("maxSteps", 0)))
                .exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "validation-failed")
                .jsonPath("$.errors[?(@.field == 'name')]").exists()
                .jsonPath("$.errors[?(@.field == 'model')]").exists()
                .jsonPath("$.errors[?(@.field == 'runtime')]").exists()
                .jsonPath("$.errors[?(@.field == 'limits.maxSteps')]").exists();
    }

    @Test
    void aFieldOfTheWrongTypeIsAValidationFailureNamingTheField() {
        var tenant = newTenant("wrong-type");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\":\"a\",\"model\":\"m\",\"limits\":{\"maxSteps\":\"many\"}}").exchange()
                .expectStatus().isEqualTo(422)
                .expectBody().jsonPath("$.errors[0].field").isEqualTo("limits.maxSteps");
    }

    @Test
    void anOversizedBodyIsA413WithOrWithoutAContentLength() throws Exception {
        var tenant = newTenant("oversized");
        String big = "{\"name\":\"big\",\"model\":\"m\",\"prompt\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue(big).exchange()
                .expectStatus().isEqualTo(413)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "payload-too-large");

        // Chunked: no Content-Length, so the limit applies while decoding.
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/agents"))
                .header("Authorization", "Bearer " + tenant.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes())))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains(BASE + "payload-too-large");
        as(tenant.key()).get().uri("/v1/agents").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
    }

    @Test
    void aWrongMediaTypeIsA415() {
        var tenant = newTenant("media");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.TEXT_PLAIN).bodyValue("name=x").exchange()
                .expectStatus().isEqualTo(415)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "unsupported-media-type");
    }

    @Test
    void unknownRoutesAndMethodsAreProblemsToo() {
        var tenant = newTenant("routes");
        as(tenant.key()).get().uri("/v1/no-such-thing").exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "not-found");
        as(tenant.key()).put().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isEqualTo(405)
                .expectHeader().exists("Allow")
                .expectBody().jsonPath("$.type").isEqualTo(BASE + "method-not-allowed");
        anonymous().get().uri("/v1/no-such-thing").exchange().expectStatus().isNotFound();
    }

    @Test
    void noProblemCarriesAStackTraceOrExceptionName() {
        var tenant = newTenant("no-traces");
        String body = as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"limits\": [1,2]}").exchange()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(body).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("tools.jackson");
    }

    @Test
    void healthPrometheusAndTheOpenApiDocumentAreServed() {
        anonymous().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        anonymous().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        anonymous().get().uri("/v1/no-such-thing").exchange();
        String metrics = anonymous().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics).contains("http_server_requests_seconds_count");
        anonymous().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.paths['/v1/agents']").exists()
                .jsonPath("$.info.title").isEqualTo("OpenComputer API");
    }

    @Test
    void everyResponseCarriesARequestIdAndKeepsAWellFormedOneFromTheClient() {
        anonymous().get().uri("/actuator/health").header("X-Request-Id", "trace-abc-123456").exchange()
                .expectHeader().valueEquals("X-Request-Id", "trace-abc-123456");
        anonymous().get().uri("/actuator/health").header("X-Request-Id", "bad id with spaces").exchange()
                .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }
}
