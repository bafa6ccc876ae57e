package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ModelRequestTest {

    private static final ModelEndpoint ENDPOINT = ModelEndpoint.defaultFor(ModelProvider.ANTHROPIC);
    private static final ToolCall LS = new ToolCall("call_1", "bash", "{\"command\":\"ls\"}");
    private static final ToolCall CAT = new ToolCall("call_2", "read_file", "{\"path\":\"a\"}");

    @Test
    void acceptsAConversationWhoseToolCallsAreAllAnswered() {
        ModelRequest request = ModelRequest.builder(ENDPOINT, "m")
                .add(Turn.user("go"))
                .add(Turn.assistant("", List.of(LS, CAT)))
                .add(Turn.result("call_2", "text"))
                .add(Turn.failure("call_1", "interrupted by a runtime restart; outcome unknown"))
                .add(Turn.user("and now?"))
                .build();

        assertThat(request.conversation()).hasSize(5);
        assertThat(request.toBuilder().build()).isEqualTo(request);
    }

    @Test
    void rejectsAToolCallLeftWithoutAResult() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m")
                .add(Turn.user("go")).add(Turn.assistant("", List.of(LS, CAT))).add(Turn.result("call_1", "ok"))
                .build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("call_2");
    }

    @Test
    void rejectsAnAssistantTurnBeforeTheResultsOfThePreviousOne() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m")
                .add(Turn.user("go")).add(Turn.assistant("", List.of(LS))).add(Turn.assistant("again", List.of()))
                .build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no result before");
    }

    @Test
    void rejectsAResultForACallThatWasNotMade() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m")
                .add(Turn.user("go")).add(Turn.result("call_9", "?")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("call_9");
    }

    @Test
    void rejectsTwoResultsForOneCall() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m")
                .add(Turn.user("go")).add(Turn.assistant("", List.of(LS)))
                .add(Turn.result("call_1", "a")).add(Turn.result("call_1", "b")).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAConversationThatDoesNotStartWithTheUser() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m").add(Turn.assistant("hi", List.of())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start with a user message");
    }

    @Test
    void rejectsTwoToolsWithOneName() {
        assertThatThrownBy(() -> ModelRequest.builder(ENDPOINT, "m").add(Turn.user("go"))
                .tools(List.of(AgentTool.BASH.spec(), AgentTool.BASH.spec())).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bash");
    }

    @Test
    void usesTheProvidersPublicApiWhenNoBaseUrlIsGiven() {
        assertThat(ModelEndpoint.of(ModelProvider.OPENAI, " ").baseUrl()).hasToString("https://api.openai.com/v1");
        assertThat(ModelEndpoint.of(ModelProvider.ANTHROPIC, "http://localhost:8089/").baseUrl())
                .hasToString("http://localhost:8089");
    }

    @Test
    void refusesABaseUrlCarryingCredentialsOrAnotherScheme() {
        assertThatThrownBy(() -> ModelEndpoint.of(ModelProvider.OPENAI, "http://user:secret@host/v1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelEndpoint.of(ModelProvider.OPENAI, "file:///etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverPrintsAnApiKey() {
        ApiKey key = ApiKey.of("sk-secret".toCharArray());

        assertThat(key).hasToString("ApiKey[redacted]");
        assertThat(key.redact("rejected sk-secret here")).isEqualTo("rejected [redacted] here");
        key.close();
        assertThat(key.reveal()).doesNotContain("sk-secret");
    }
}
