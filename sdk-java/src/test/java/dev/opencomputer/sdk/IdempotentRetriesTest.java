package dev.opencomputer.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.agents.UpdateAgentRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotentRetriesTest {

    private static final String AGENT = """
            {"id":"agt_0123456789abcdef01234567","version":1,"name":"coder","model":"m","provider":"anthropic",
             "prompt":"","runtime":"native","tools":["bash"],"sandbox":{},"limits":{"maxRunTimeSeconds":3600,"maxSteps":100},
             "metadata":{},"createdAt":"2026-03-01T12:00:00Z","updatedAt":"2026-03-01T12:00:00Z"}""";
    private static final CreateAgentRequest CODER = CreateAgentRequest.builder().name("coder").model("m").build();

    private final ScriptedApi api = ScriptedApi.start();
    private final OpenComputer oc = api.client();

    @AfterEach
    void stop() {
        oc.close();
        api.close();
    }

    @Test
    void aRetriedPostSendsTheSameIdempotencyKeyOnEveryAttempt() {
        api.answer(503, "{}").answer(500, "{}").answer(201, AGENT);
        var agent = oc.agents().create(CODER);

        assertThat(agent.id()).isEqualTo("agt_0123456789abcdef01234567");
        var keys = api.received().stream().map(r -> r.header("Idempotency-Key")).toList();
        assertThat(keys).hasSize(3).doesNotContainNull().containsOnly(keys.get(0));
        assertThat(api.received()).allSatisfy(r -> assertThat(r.body()).isEqualTo(api.received().get(0).body()));
    }

    @Test
    void everyLogicalCallGetsItsOwnKeyUnlessTheCallerNamesOne() {
        api.answer(201, AGENT).answer(201, AGENT).answer(201, AGENT);
        oc.agents().create(CODER);
        oc.agents().create(CODER);
        oc.agents().create(CODER, RequestOptions.builder().idempotencyKey("order-42").build());

        var keys = api.received().stream().map(r -> r.header("Idempotency-Key")).toList();
        assertThat(keys.get(0)).isNotEqualTo(keys.get(1));
        assertThat(keys.get(2)).isEqualTo("order-42");
    }

    @Test
    void aPostWhoseConnectionDroppedIsRetriedWithTheSameKey() {
        api.drop().answer(201, AGENT);
        oc.agents().create(CODER);
        assertThat(api.received()).hasSize(2);
        assertThat(api.received().get(1).header("Idempotency-Key")).isEqualTo(api.received().get(0).header("Idempotency-Key"));
    }

    @Test
    void aPatchWhoseConnectionDroppedIsNotRepeatedBecauseItMightHaveMadeAVersion() {
        api.drop().answer(200, AGENT);
        assertThatThrownBy(() -> oc.agents().update("agt_0123456789abcdef01234567",
                UpdateAgentRequest.builder().prompt("p").build()))
                .isInstanceOf(ConnectionException.class);
        assertThat(api.received()).hasSize(1);
        assertThat(api.received().get(0).header("Idempotency-Key")).isNull();
    }

    @Test
    void aPatchAnsweredWithAnErrorIsRetriedBecauseAFailedRequestChangesNothing() {
        api.answer(503, "{}").answer(200, AGENT);
        oc.agents().update("agt_0123456789abcdef01234567", UpdateAgentRequest.builder().prompt("p").build());
        assertThat(api.received()).hasSize(2);
    }

    @Test
    void aRetryThatFindsTheFirstAttemptStillRunningWaitsAndTriesAgain() {
        api.answer(409, """
                {"type":"https://opencomputer.dev/problems/idempotency-key-in-use","status":409}""")
                .answer(201, AGENT);
        oc.agents().create(CODER);
        assertThat(api.received()).hasSize(2);
    }

    @Test
    void clientErrorsAreNotRetried() {
        api.answer(409, """
                {"type":"https://opencomputer.dev/problems/conflict","title":"Conflict","status":409,
                 "detail":"an agent named 'coder' already exists"}""");
        assertThatThrownBy(() -> oc.agents().create(CODER))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("409 conflict: an agent named 'coder' already exists");
        assertThat(api.received()).hasSize(1);
    }

    @Test
    void getsAndDeletesCarryNoIdempotencyKey() {
        api.answer(200, AGENT).answer(204, null);
        oc.agents().get("agt_0123456789abcdef01234567");
        oc.agents().delete("agt_0123456789abcdef01234567");
        assertThat(api.received()).allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isNull());
    }
}
