package dev.opencomputer.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.agents.CreateAgentRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProblemDecodingTest {

    private final ScriptedApi api = ScriptedApi.start();
    private final OpenComputer oc = api.client();

    @AfterEach
    void stop() {
        oc.close();
        api.close();
    }

    @Test
    void aValidationProblemExposesEveryFieldErrorAndTheRequestId() {
        api.answer(422, """
                {"type":"https://opencomputer.dev/problems/validation-failed","title":"Validation failed","status":422,
                 "detail":"the request has 2 invalid field(s)","instance":"/v1/agents",
                 "errors":[{"field":"name","message":"is required"},{"field":"limits.maxSteps","message":"must be from 1 to 10000"}]}""",
                Map.of("X-Request-Id", "0f3c9a"));
        assertThatThrownBy(() -> oc.agents().create(CreateAgentRequest.builder().name("").model("m").build()))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.type()).isEqualTo("https://opencomputer.dev/problems/validation-failed");
                    assertThat(e.problem().title()).isEqualTo("Validation failed");
                    assertThat(e.problem().detail()).isEqualTo("the request has 2 invalid field(s)");
                    assertThat(e.problem().instance()).isEqualTo("/v1/agents");
                    assertThat(e.errors()).containsExactly(new Problem.FieldError("name", "is required"),
                            new Problem.FieldError("limits.maxSteps", "must be from 1 to 10000"));
                    assertThat(e.requestId()).contains("0f3c9a");
                    assertThat(e).hasMessageContaining("name is required").hasMessageContaining("request 0f3c9a");
                });
    }

    @Test
    void eachStatusHasItsOwnException() {
        String problem = "{\"type\":\"https://opencomputer.dev/problems/%s\",\"status\":%d}";
        api.answer(400, problem.formatted("invalid-parameter", 400).replace("}", ",\"parameter\":\"limit\"}"))
                .answer(401, problem.formatted("credential-invalid", 401))
                .answer(403, problem.formatted("forbidden", 403))
                .answer(404, problem.formatted("not-found", 404))
                .answer(422, problem.formatted("idempotency-key-reused", 422))
                .answer(413, problem.formatted("payload-too-large", 413));
        var agents = oc.agents();
        assertThatThrownBy(() -> agents.get("a")).isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.parameter()).contains("limit"));
        assertThatThrownBy(() -> agents.get("a")).isInstanceOf(AuthenticationException.class);
        assertThatThrownBy(() -> agents.get("a")).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> agents.get("a")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> agents.get("a")).isExactlyInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).problem().is("idempotency-key-reused")).isTrue());
        assertThatThrownBy(() -> agents.get("a")).isExactlyInstanceOf(ApiException.class);
    }

    @Test
    void anAnswerThatIsNotAProblemStillBecomesOneWithItsStatusAndText() {
        OpenComputer noRetries = OpenComputer.builder().apiKey("k").baseUrl(api.uri()).maxRetries(0).build();
        api.answerRaw(502, "text/html", "<html>Bad gateway</html>");
        assertThatThrownBy(() -> noRetries.agents().get("a"))
                .isInstanceOfSatisfying(ServerException.class, e -> {
                    assertThat(e.status()).isEqualTo(502);
                    assertThat(e.type()).isEqualTo("about:blank");
                    assertThat(e.problem().detail()).isEqualTo("<html>Bad gateway</html>");
                    assertThat(e.requestId()).isEmpty();
                });
    }

    @Test
    void aSuccessfulAnswerThatCannotBeDecodedIsReportedAsSuch() {
        api.answerRaw(200, "application/json", "[1,2");
        assertThatThrownBy(() -> oc.agents().get("a"))
                .isExactlyInstanceOf(OpenComputerException.class)
                .hasMessageContaining("could not decode");
    }
}
