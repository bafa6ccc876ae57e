package dev.opencomputer.brain.providers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.ObjectMappers;
import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIServiceException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.opencomputer.brain.ApiKey;
import dev.opencomputer.brain.ModelCall;
import dev.opencomputer.brain.ModelCallException;
import dev.opencomputer.brain.ModelClient;
import dev.opencomputer.brain.ModelFailure;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.ModelRequest;
import dev.opencomputer.brain.ModelResponse;
import dev.opencomputer.brain.ModelStreamListener;

/**
 * Calls OpenAI Chat Completions, or any server compatible with it, through the official SDK
 * ({@code com.openai:openai-java}).
 *
 * <p>One SDK client (connection pool and dispatcher) is kept per base URL, built with a
 * placeholder credential that is never sent; each call derives a short-lived client with
 * {@code withOptions(apiKey(key))}, which shares the pooled HTTP client and is dropped when the
 * call ends, so no long-lived object holds a key. The SDK's own retries are off: failures are
 * classified and thrown ({@link ModelClient}). At most {@value #MAX_CACHED_CLIENTS} base URLs
 * are cached; further ones get a client for the one call.
 */
public final class OpenAiModelClient implements ModelClient {

    static final int MAX_CACHED_CLIENTS = 64;
    private static final String NO_KEY = "no-key-placeholder";

    private final Duration connectTimeout;
    private final Clock clock;
    private final ConcurrentMap<URI, OpenAIClient> clients = new ConcurrentHashMap<>();

    public OpenAiModelClient(Duration connectTimeout, Clock clock) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.clock = Objects.requireNonNull(clock);
    }

    public OpenAiModelClient() {
        this(Duration.ofSeconds(10), Clock.systemUTC());
    }

    @Override
    public ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener) {
        if (request.endpoint().provider() != ModelProvider.OPENAI) {
            throw new IllegalArgumentException("not an OpenAI request: " + request.endpoint());
        }
        String key = apiKey.reveal();
        ChatCompletionCreateParams params = OpenAiMessages.params(request);
        RequestOptions options = RequestOptions.builder()
                .timeout(Timeout.builder().connect(connectTimeout).read(request.timeout()).write(request.timeout())
                        .request(request.timeout()).build())
                .build();
        URI baseUrl = request.endpoint().baseUrl();
        return ThreadedModelCall.start(ModelProvider.OPENAI, request.timeout(), listener, call -> {
            OpenAIClient pooled = clientFor(baseUrl);
            try {
                OpenAIClient client = pooled.withOptions(o -> o.apiKey(key));
                return request.streaming() ? stream(client, params, options, call)
                        : OpenAiMessages.response(client.chat().completions().create(params, options));
            } finally {
                if (pooled != clients.get(baseUrl)) {
                    pooled.close();
                }
            }
        }, failure -> classify(failure, key));
    }

    private static ModelResponse stream(OpenAIClient client, ChatCompletionCreateParams params,
            RequestOptions options, ThreadedModelCall call) {
        try (StreamResponse<ChatCompletionChunk> chunks = client.chat().completions().createStreaming(params, options)) {
            call.closeOnAbandon(chunks);
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            chunks.stream().takeWhile(chunk -> !call.abandoned()).forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(call::deliverText));
            });
            return OpenAiMessages.response(accumulator.chatCompletion());
        }
    }

    private OpenAIClient clientFor(URI baseUrl) {
        OpenAIClient cached = clients.get(baseUrl);
        if (cached != null) {
            return cached;
        }
        if (clients.size() >= MAX_CACHED_CLIENTS) {
            return build(baseUrl);
        }
        return clients.computeIfAbsent(baseUrl, this::build);
    }

    private OpenAIClient build(URI baseUrl) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .apiKey(NO_KEY)
                .maxRetries(0)
                .timeout(Timeout.builder().connect(connectTimeout).build())
                .build();
    }

    private ModelCallException classify(Throwable failure, String key) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException
                || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof OpenAIServiceException service) {
            return errorBody(service).failure(ModelProvider.OPENAI, service.statusCode(),
                    RetryAfter.parse(header(service.headers(), "retry-after-ms"),
                            header(service.headers(), "retry-after"), clock).orElse(null),
                    key);
        }
        if (cause instanceof OpenAIInvalidDataException || cause instanceof IllegalStateException) {
            return new ModelCallException(ModelProvider.OPENAI, ModelFailure.PROTOCOL,
                    "openai: the response could not be read: " + cause.getMessage(), 0, null, cause);
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof IOException io) {
                return ModelCallException.forConnectionError(ModelProvider.OPENAI, io instanceof InterruptedIOException,
                        io);
            }
        }
        return new ModelCallException(ModelProvider.OPENAI, ModelFailure.OTHER,
                "openai: the call failed: " + cause.getClass().getSimpleName(), 0, null, null);
    }

    /** The SDK exposes the inner {@code error} object as the body. */
    private static ProviderErrorBody errorBody(OpenAIServiceException service) {
        try {
            return ProviderErrorBody.parse("{\"error\":" + ObjectMappers.jsonMapper().writeValueAsString(service.body())
                    + "}");
        } catch (Exception e) {
            return ProviderErrorBody.EMPTY;
        }
    }

    private static String header(Headers headers, String name) {
        List<String> values = headers.values(name);
        return values.isEmpty() ? null : values.getFirst();
    }

    @Override
    public void close() {
        clients.values().forEach(OpenAIClient::close);
        clients.clear();
    }
}
