package dev.opencomputer.brain.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** The wire formats as plain HTTP sees them; the SDK round trips are tested in the brain module. */
class ModelServerIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private ModelServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void streamsAnAnthropicMessageEventByEvent() throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.text("Hello there").withToolCall("bash", "{\"command\":\"echo hi\"}")));

        HttpResponse<String> response = post("/v1/messages", anthropicBody(true, "hi"), "x-api-key", "sk-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<String> events = response.body().lines().filter(line -> line.startsWith("event: "))
                .map(line -> line.substring(7)).distinct().toList();
        assertThat(events).containsExactly("message_start", "ping", "content_block_start", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop");
        assertThat(response.body()).contains("\"type\":\"text_delta\",\"text\":\"Hello \"")
                .contains("\"type\":\"input_json_delta\"")
                .contains("\"stop_reason\":\"tool_use\"");
    }

    @Test
    void answersOpenAiChunksEndingInDone() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("Hi you")));

        HttpResponse<String> response = post("/v1/chat/completions", """
                {"model": "gpt-test", "stream": true, "stream_options": {"include_usage": true},
                 "messages": [{"role": "user", "content": "hi"}]}
                """, "authorization", "Bearer sk-openai");

        List<String> data = response.body().lines().filter(line -> line.startsWith("data: "))
                .map(line -> line.substring(6)).toList();
        assertThat(data.getLast()).isEqualTo("[DONE]");
        assertThat(data).anySatisfy(chunk -> assertThat(chunk).contains("\"delta\":{\"content\":\"Hi \"}"));
        assertThat(data).anySatisfy(chunk -> assertThat(chunk).contains("\"finish_reason\":\"stop\""));
        assertThat(data.get(data.size() - 2)).contains("\"usage\":{\"prompt_tokens\"");
        assertThat(server.requests().getFirst().apiKey()).isEqualTo("sk-openai");
    }

    @Test
    void speaksTheResponsesApiStreamedAndPlainWithFunctionCallsAndTheirOutputs() throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.text("Running it").withToolCall("shell", "{\"command\":[\"echo\",\"hi\"]}"),
                ScriptedTurn.text("It said hi.")));

        HttpResponse<String> streamed = post("/v1/responses", """
                {"model": "gpt-test", "stream": true, "instructions": "You are codex.",
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "say hi"}]}],
                 "tools": [{"type": "function", "name": "shell", "parameters": {"type": "object"}}]}
                """, "authorization", "Bearer sk-openai");
        assertThat(streamed.statusCode()).isEqualTo(200);
        List<String> events = streamed.body().lines().filter(line -> line.startsWith("event: "))
                .map(line -> line.substring(7)).distinct().toList();
        assertThat(events).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.completed");
        String completed = streamed.body().lines().filter(line -> line.contains("\"type\":\"response.completed\""))
                .findFirst().orElseThrow();
        assertThat(completed).contains("\"usage\":{\"input_tokens\"", "\"type\":\"function_call\"",
                "\"name\":\"shell\"");
        RecordedRequest first = server.requests().getFirst();
        assertThat(first.system()).isEqualTo("You are codex.");
        assertThat(first.toolNames()).containsExactly("shell");
        assertThat(first.lastUserText()).isEqualTo("say hi");
        String callId = first.messages().isEmpty() ? null : Json.parse(completed.substring(6)).path("response")
                .path("output").get(1).path("call_id").asString();

        HttpResponse<String> plain = post("/v1/responses", """
                {"model": "gpt-test", "instructions": "You are codex.", "input": [
                  {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "say hi"}]},
                  {"type": "function_call", "call_id": "%s", "name": "shell", "arguments": "{}"},
                  {"type": "function_call_output", "call_id": "%s", "output": "hi"}]}
                """.formatted(callId, callId), "authorization", "Bearer sk-openai");
        JsonNode response = Json.parse(plain.body());
        assertThat(response.path("object").asString()).isEqualTo("response");
        assertThat(response.path("output").get(0).path("content").get(0).path("text").asString())
                .isEqualTo("It said hi.");
        assertThat(server.requests().get(1).lastToolResult()).isEqualTo("hi");
    }

    @Test
    void callsAFreeformToolTheRequestDeclaresAsACustomToolCallWithRawInput() throws Exception {
        String patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("Writing it.").withToolCall("apply_patch",
                Json.object().put("input", patch).toString())));
        String body = """
                {"model": "gpt-test", "stream": %s, "instructions": "You are codex.",
                 "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "write"}]}],
                 "tools": [{"type": "custom", "name": "apply_patch", "format": {"type": "grammar"}}]}
                """;

        HttpResponse<String> streamed = post("/v1/responses", body.formatted(true), "authorization", "Bearer k");
        List<String> events = streamed.body().lines().filter(line -> line.startsWith("event: "))
                .map(line -> line.substring(7)).distinct().toList();
        assertThat(events).contains("response.custom_tool_call_input.delta", "response.custom_tool_call_input.done")
                .doesNotContain("response.function_call_arguments.delta");
        JsonNode done = streamed.body().lines().filter(line -> line.contains("\"type\":\"response.output_item.done\""))
                .map(line -> Json.parse(line.substring(6))).reduce((a, b) -> b).orElseThrow().path("item");
        assertThat(done.path("type").asString()).isEqualTo("custom_tool_call");
        assertThat(done.path("name").asString()).isEqualTo("apply_patch");
        assertThat(done.path("input").asString()).isEqualTo(patch);

        server.play(server.script());
        JsonNode plain = Json.parse(post("/v1/responses", body.formatted(false), "authorization", "Bearer k").body());
        assertThat(plain.path("output").get(1).path("type").asString()).isEqualTo("custom_tool_call");
        assertThat(plain.path("output").get(1).path("input").asString()).isEqualTo(patch);
    }

    @Test
    void answersAScriptedErrorWithRetryAfter() throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.failing(ScriptedError.of(429).withRetryAfter(Duration.ofMillis(1500))),
                ScriptedTurn.text("ok")));

        HttpResponse<String> first = post("/v1/messages", anthropicBody(false, "hi"), "x-api-key", "k");
        HttpResponse<String> second = post("/v1/messages", anthropicBody(false, "hi"), "x-api-key", "k");

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("retry-after")).hasValue("2");
        assertThat(first.headers().firstValue("retry-after-ms")).hasValue("1500");
        assertThat(first.body()).contains("rate_limit_error");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).contains("\"text\":\"ok\"");
    }

    @Test
    void givesEveryConversationItsOwnPositionInTheScript() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("first"), ScriptedTurn.text("second")));

        String a1 = post("/v1/messages", anthropicBody(false, "conversation A"), "x-api-key", "k").body();
        String b1 = post("/v1/messages", anthropicBody(false, "conversation B"), "x-api-key", "k").body();
        String a2 = post("/v1/messages", anthropicBody(false, "conversation A"), "x-api-key", "k").body();

        assertThat(a1).contains("\"text\":\"first\"");
        assertThat(b1).contains("\"text\":\"first\"");
        assertThat(a2).contains("\"text\":\"second\"");
        assertThat(server.requests()).extracting(RecordedRequest::turn).containsExactly(0, 0, 1);
    }

    @Test
    void echoesTheLastUserMessageOnceTheScriptIsExhausted() throws Exception {
        server = ModelServer.start(ModelScript.of());

        String body = post("/v1/messages", anthropicBody(false, "are you there?"), "x-api-key", "k").body();

        assertThat(body).contains("You said: are you there?");
        assertThat(server.requests().getFirst().turn()).isEqualTo(-1);
    }

    @Test
    void recordsAHangingRequestAndEndsItOnRelease() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.hanging()));

        CompletableFuture<HttpResponse<String>> pending = http.sendAsync(request("/v1/messages",
                anthropicBody(false, "wait"), "x-api-key", "k"), HttpResponse.BodyHandlers.ofString());
        List<RecordedRequest> received = server.awaitRequests(1, Duration.ofSeconds(5));
        assertThat(received.getFirst().lastUserText()).isEqualTo("wait");
        assertThat(pending).isNotDone();

        server.releaseHangs();

        assertThat(pending).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void servesTheRequestLogWithoutTheCredential() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("ok")));
        post("/v1/messages", anthropicBody(false, "hi"), "x-api-key", "sk-canary-123");

        HttpResponse<String> log = http.send(HttpRequest.newBuilder(uri("/_requests")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(log.body()).doesNotContain("sk-canary-123").contains("apiKeySha256").contains("[redacted]");
        JsonNode first = Json.parse(log.body()).get(0);
        assertThat(first.path("body").path("messages").get(0).path("content").asString()).isEqualTo("hi");
    }

    @Test
    void playsAScriptPutOverHttp() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("old")));

        HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri("/_script"))
                .PUT(HttpRequest.BodyPublishers.ofString("[{\"text\": \"new\"}]")).build(),
                HttpResponse.BodyHandlers.ofString());
        String answer = post("/v1/messages", anthropicBody(false, "hi"), "x-api-key", "k").body();

        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(answer).contains("\"text\":\"new\"");
    }

    @Test
    void rejectsAMalformedRequestLikeTheRealApi() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("never")));

        HttpResponse<String> response = post("/v1/messages", "{\"model\": \"m\"}", "x-api-key", "k");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("invalid_request_error");
        assertThat(server.requests()).isEmpty();
    }

    private HttpResponse<String> post(String path, String body, String header, String value)
            throws IOException, InterruptedException {
        return http.send(request(path, body, header, value), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path, String body, String header, String value) {
        return HttpRequest.newBuilder(uri(path)).header("content-type", "application/json").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private URI uri(String path) {
        return URI.create(server.baseUrl() + path);
    }

    private static String anthropicBody(boolean stream, String userText) {
        return """
                {"model": "claude-test", "max_tokens": 100, "stream": %s,
                 "messages": [{"role": "user", "content": "%s"}]}
                """.formatted(stream, userText);
    }
}
