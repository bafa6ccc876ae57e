package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.RecordedRequest;
import dev.opencomputer.brain.modelserver.ScriptedError;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.brain.providers.AnthropicModelClient;
import dev.opencomputer.brain.providers.OpenAiModelClient;

/**
 * The real SDKs, through the brain's {@link ModelClient}, against the scripted model server over
 * HTTP: every case runs for both wire formats.
 */
class ModelClientIT {

    private static final ApiKey KEY = ApiKey.of("sk-test-canary-0123456789");

    private static ModelClient models;
    private ModelServer server;

    /** A deadline for waiting on the server, generous: a cold SDK on a busy machine can take seconds. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @BeforeAll
    static void createClientAndLoadTheSdks() throws Exception {
        models = new RoutingModelClient(Map.of(
                ModelProvider.ANTHROPIC, new AnthropicModelClient(),
                ModelProvider.OPENAI, new OpenAiModelClient()));
        // One streamed and one whole call per SDK first, so the timing assertions below measure
        // the calls and not class loading.
        try (ModelServer warmUp = ModelServer.start(ModelScript.of())) {
            for (ModelProvider provider : ModelProvider.values()) {
                for (boolean streaming : new boolean[] {true, false}) {
                    ModelEndpoint endpoint = new ModelEndpoint(provider, provider == ModelProvider.ANTHROPIC
                            ? warmUp.anthropicBaseUrl() : warmUp.openAiBaseUrl());
                    models.call(ModelRequest.builder(endpoint, "warm-up").add(Turn.user("hello")).tools(AgentTool.specs())
                            .streaming(streaming).timeout(PATIENCE).build(), KEY, ModelStreamListener.NONE);
                }
            }
        }
    }

    @AfterAll
    static void closeClient() {
        models.close();
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void returnsAWholeResponseWithUsageWithoutStreaming(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("Hello, world.").withUsage(42, 7)));

        ModelResponse response = models.call(request(provider, "Say hello").streaming(false).build(), KEY,
                ModelStreamListener.NONE);

        assertThat(response.text()).isEqualTo("Hello, world.");
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(response.usage()).isEqualTo(new TokenUsage(42, 7));
        assertThat(response.model()).isEqualTo("test-model");
        RecordedRequest received = server.requests().getFirst();
        assertThat(received.stream()).isFalse();
        assertThat(received.system()).isEqualTo("You are a test agent.");
        assertThat(received.userTexts()).containsExactly("Say hello");
        assertThat(received.toolNames()).containsExactly("bash", "read_file", "write_file", "edit_file", "list_files");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void promptCacheReadsAndWritesAreReportedApartFromTheInput(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("cached").withUsage(100, 20, 3_000, 400)));

        ModelResponse response = models.call(request(provider, "Use the cache").build(), KEY, ModelStreamListener.NONE);

        // OpenAI reports cache reads only (prompt_tokens_details.cached_tokens); its writes are plain input
        TokenUsage expected = provider == ModelProvider.ANTHROPIC ? new TokenUsage(3_500, 20, 3_000, 400)
                : new TokenUsage(3_500, 20, 3_000, 0);
        assertThat(response.usage()).isEqualTo(expected);
        assertThat(response.usage().stored().inputTokens()).isEqualTo(provider == ModelProvider.ANTHROPIC ? 100 : 500);
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void streamsTextDeltasInOrderAndReturnsTheWholeResponse(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("one two three four").withUsage(10, 4)));
        List<String> deltas = new CopyOnWriteArrayList<>();

        ModelResponse response = models.call(request(provider, "Count").build(), KEY, deltas::add);

        assertThat(deltas).containsExactly("one ", "two ", "three ", "four");
        assertThat(response.text()).isEqualTo("one two three four");
        assertThat(response.usage()).isEqualTo(new TokenUsage(10, 4));
        assertThat(server.requests().getFirst().stream()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void roundTripsToolCallsAndTheirResults(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.text("Let me check.").withToolCall("bash", "{\"command\":\"ls -la\"}")
                        .withToolCall("read_file", "{\"path\":\"notes.txt\"}"),
                ScriptedTurn.text("The listing said: {{lastToolResult}}")));
        ModelRequest.Builder request = request(provider, "What is here?");

        ModelResponse first = models.call(request.build(), KEY, ModelStreamListener.NONE);

        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(first.toolCalls()).extracting(ToolCall::name).containsExactly("bash", "read_file");
        assertThat(ToolInvocation.parse(first.toolCalls().get(0))).isEqualTo(
                new ToolInvocation.Bash("ls -la", java.util.Optional.empty()));
        assertThat(ToolInvocation.parse(first.toolCalls().get(1))).isEqualTo(new ToolInvocation.ReadFile("notes.txt"));

        request.add(first.toTurn())
                .add(Turn.result(first.toolCalls().get(0).id(), "total 0"))
                .add(Turn.failure(first.toolCalls().get(1).id(), "no such file"));
        ModelResponse second = models.call(request.build(), KEY, ModelStreamListener.NONE);

        assertThat(second.text()).isEqualTo("The listing said: " + (provider == ModelProvider.OPENAI
                ? "Error: no such file" : "no such file"));
        RecordedRequest resent = server.requests().get(1);
        assertThat(resent.assistantTexts()).containsExactly("Let me check.");
        assertThat(resent.toolCallIds()).containsExactlyElementsOf(
                first.toolCalls().stream().map(ToolCall::id).toList());
        assertThat(resent.toolResults()).containsEntry(first.toolCalls().get(0).id(), "total 0");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void sendsAMessageThatArrivedDuringToolsAfterTheirResults(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"make\"}"),
                ScriptedTurn.text("Understood, stopping.")));
        ModelRequest.Builder request = request(provider, "Build it");
        ModelResponse first = models.call(request.build(), KEY, ModelStreamListener.NONE);

        request.add(first.toTurn()).add(Turn.result(first.toolCalls().getFirst().id(), "ok"))
                .add(Turn.user("Actually, stop after the build."));
        models.call(request.build(), KEY, ModelStreamListener.NONE);

        RecordedRequest steered = server.requests().get(1);
        assertThat(steered.userTexts()).containsExactly("Build it", "Actually, stop after the build.");
        assertThat(steered.messages().getLast().isUser()).isTrue();
        assertThat(steered.lastToolResult()).isEqualTo("ok");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void sendsEachCallsOwnKeyThroughTheSharedClient(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("a"), ScriptedTurn.text("b")));

        models.call(request(provider, "first").build(), ApiKey.of("sk-tenant-one"), ModelStreamListener.NONE);
        models.call(request(provider, "second").build(), ApiKey.of("sk-tenant-two"), ModelStreamListener.NONE);

        assertThat(server.requests()).extracting(RecordedRequest::apiKey).containsExactly("sk-tenant-one",
                "sk-tenant-two");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void classifiesRateLimitingAsRetryableAfterTheProvidersDelay(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.failing(ScriptedError.of(429).withRetryAfter(Duration.ofMillis(1500))),
                ScriptedTurn.text("ok now")));

        ModelCallException failure = failureOf(provider, "hi");
        ModelResponse retried = models.call(request(provider, "hi").build(), KEY, ModelStreamListener.NONE);

        assertThat(failure.failure()).isEqualTo(ModelFailure.RATE_LIMITED);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.httpStatus()).hasValue(429);
        assertThat(failure.retryAfter()).hasValue(Duration.ofMillis(1500));
        assertThat(ModelRetryPolicy.defaults().delayAfter(1, failure, RandomGenerator.getDefault()))
                .hasValue(Duration.ofMillis(1500));
        assertThat(retried.text()).isEqualTo("ok now");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void classifiesServerErrorsAsRetryableAndBadRequestsAsPermanent(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.error(500), ScriptedTurn.error(529),
                ScriptedTurn.error(400), ScriptedTurn.error(404)));

        assertThat(failureOf(provider, "x").failure()).isEqualTo(ModelFailure.SERVER_ERROR);
        assertThat(failureOf(provider, "x").failure()).isEqualTo(ModelFailure.OVERLOADED);
        ModelCallException badRequest = failureOf(provider, "x");
        ModelCallException notFound = failureOf(provider, "x");

        assertThat(badRequest.failure()).isEqualTo(ModelFailure.INVALID_REQUEST);
        assertThat(badRequest.retryable()).isFalse();
        assertThat(ModelRetryPolicy.defaults().delayAfter(1, badRequest, RandomGenerator.getDefault())).isEmpty();
        assertThat(notFound.failure()).isEqualTo(ModelFailure.NOT_FOUND);
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void neverPutsTheKeyInAFailureMessage(ModelProvider provider) throws Exception {
        String echoingKey = "Incorrect API key provided: " + KEY.reveal();
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.failing(new ScriptedError(401, null, echoingKey, null, false)),
                ScriptedTurn.failing(new ScriptedError(400, null, echoingKey, null, false))));

        ModelCallException unauthorized = failureOf(provider, "x");
        ModelCallException badRequest = failureOf(provider, "x");

        assertThat(unauthorized.failure()).isEqualTo(ModelFailure.AUTHENTICATION);
        assertThat(unauthorized.retryable()).isFalse();
        assertThat(unauthorized).hasMessageNotContaining(KEY.reveal()).hasNoCause();
        assertThat(badRequest).hasMessageNotContaining(KEY.reveal()).hasMessageContaining("[redacted]");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void classifiesAnErrorInTheMiddleOfAStream(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.failing(
                new ScriptedError(529, "overloaded_error", "Overloaded", null, true)).withText("Partial answer")));
        List<String> deltas = new CopyOnWriteArrayList<>();

        ModelCallException failure = catchThrowableOfType(ModelCallException.class,
                () -> models.call(request(provider, "x").build(), KEY, deltas::add));

        assertThat(deltas).containsExactly("Partial ");
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.failure()).isIn(ModelFailure.OVERLOADED, ModelFailure.SERVER_ERROR);
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void timesOutAProviderThatNeverAnswers(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.hanging()));
        long started = System.nanoTime();

        ModelCallException failure = catchThrowableOfType(ModelCallException.class, () -> models.call(
                request(provider, "x").timeout(Duration.ofMillis(700)).build(), KEY, ModelStreamListener.NONE));

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(failure.failure()).isEqualTo(ModelFailure.TIMEOUT);
        assertThat(failure.retryable()).isTrue();
        assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void timesOutAStreamThatStopsHalfway(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("Halfway there").hangingMidStream()));
        List<String> deltas = new CopyOnWriteArrayList<>();

        ModelCallException failure = catchThrowableOfType(ModelCallException.class, () -> models.call(
                request(provider, "x").timeout(Duration.ofMillis(700)).build(), KEY, deltas::add));

        assertThat(failure.failure()).isEqualTo(ModelFailure.TIMEOUT);
        assertThat(deltas).containsExactly("Halfway ");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void abandonsAHangingCallPromptlyWhenCancelled(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.hanging(), ScriptedTurn.text("after")));
        ModelCall call = models.start(request(provider, "x").build(), KEY, ModelStreamListener.NONE);
        server.awaitRequests(1, PATIENCE);

        long started = System.nanoTime();
        call.cancel();
        ModelCallException failure = catchThrowableOfType(ModelCallException.class, call::await);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failure.failure()).isEqualTo(ModelFailure.CANCELLED);
        assertThat(took).isLessThan(Duration.ofMillis(200));
        assertThat(models.call(request(provider, "x").build(), KEY, ModelStreamListener.NONE).text())
                .isEqualTo("after");
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void closesTheConnectionOfACancelledCall(ModelProvider provider) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String baseUrl = "http://127.0.0.1:" + silent.getLocalPort() + (provider == ModelProvider.OPENAI ? "/v1" : "");
            ModelCall call = models.start(ModelRequest.builder(ModelEndpoint.of(provider, baseUrl), "test-model")
                    .add(Turn.user("x")).build(), KEY, ModelStreamListener.NONE);
            silent.setSoTimeout(5_000);
            try (Socket connection = silent.accept()) {
                InputStream in = connection.getInputStream();
                byte[] buffer = new byte[8192];
                in.read(buffer);

                long cancelled = System.nanoTime();
                call.cancel();

                connection.setSoTimeout(2_000);
                int next;
                do {
                    next = in.read(buffer);
                } while (next > 0);
                assertThat(next).as("end of stream: the client closed the connection").isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void abandonsTheCallWhenTheWaitingThreadIsInterrupted(ModelProvider provider) throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.hanging()));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                models.call(request(provider, "x").build(), KEY, ModelStreamListener.NONE);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        server.awaitRequests(1, PATIENCE);

        waiter.interrupt();

        assertThat(outcome).succeedsWithin(Duration.ofSeconds(2)).isInstanceOf(InterruptedException.class);
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void classifiesARefusedConnectionAsRetryable(ModelProvider provider) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String baseUrl = "http://127.0.0.1:" + closedPort + (provider == ModelProvider.OPENAI ? "/v1" : "");
        ModelRequest request = ModelRequest.builder(ModelEndpoint.of(provider, baseUrl), "test-model")
                .add(Turn.user("x")).build();

        ModelCallException failure = catchThrowableOfType(ModelCallException.class,
                () -> models.call(request, KEY, ModelStreamListener.NONE));

        assertThat(failure.failure()).isEqualTo(ModelFailure.CONNECTION);
        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void sendsExtendedThinkingAndKeepsItsBlocksWithTheTurn() throws Exception {
        server = ModelServer.start(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"date\"}").withThinking("I should check the date."),
                ScriptedTurn.text("It is today.")));
        List<String> thoughts = new CopyOnWriteArrayList<>();
        ModelStreamListener listener = new ModelStreamListener() {
            @Override
            public void onTextDelta(String text) {
            }

            @Override
            public void onThinkingDelta(String text) {
                thoughts.add(text);
            }
        };
        ModelRequest.Builder request = request(ModelProvider.ANTHROPIC, "What day is it?")
                .thinking(ThinkingLevel.MEDIUM).maxTokens(1000);

        ModelResponse first = models.call(request.build(), KEY, listener);
        request.add(first.toTurn()).add(Turn.result(first.toolCalls().getFirst().id(), "Mon"));
        models.call(request.build(), KEY, ModelStreamListener.NONE);

        assertThat(String.join("", thoughts)).isEqualTo("I should check the date.");
        assertThat(first.thinking()).singleElement().satisfies(block -> {
            assertThat(block.text()).isEqualTo("I should check the date.");
            assertThat(block.signature()).isNotEmpty();
        });
        var sent = server.requests().get(0).json();
        assertThat(sent.path("thinking").path("budget_tokens").asInt()).isEqualTo(8192);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(8192 + 1000);
        var resent = server.requests().get(1).json().path("messages").get(1).path("content").get(0);
        assertThat(resent.path("type").asString()).isEqualTo("thinking");
        assertThat(resent.path("signature").asString()).isEqualTo(first.thinking().getFirst().signature());
    }

    @Test
    void sendsTheThinkingLevelToOpenAiAsReasoningEffort() throws Exception {
        server = ModelServer.start(ModelScript.of(ScriptedTurn.text("ok")));

        models.call(request(ModelProvider.OPENAI, "x").thinking(ThinkingLevel.HIGH).build(), KEY,
                ModelStreamListener.NONE);

        var sent = server.requests().getFirst().json();
        assertThat(sent.path("reasoning_effort").asString()).isEqualTo("high");
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(8192);
        assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    private ModelCallException failureOf(ModelProvider provider, String text) {
        return catchThrowableOfType(ModelCallException.class,
                () -> models.call(request(provider, text).build(), KEY, ModelStreamListener.NONE));
    }

    private ModelRequest.Builder request(ModelProvider provider, String userText) {
        ModelEndpoint endpoint = new ModelEndpoint(provider, provider == ModelProvider.ANTHROPIC
                ? server.anthropicBaseUrl() : server.openAiBaseUrl());
        return ModelRequest.builder(endpoint, "test-model")
                .system("You are a test agent.")
                .tools(AgentTool.specs())
                .timeout(Duration.ofSeconds(20))
                .add(Turn.user(userText));
    }
}
