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
import java.util.concurrent.ExecutionException;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.ObjectMappers;
import com.anthropic.core.RequestOptions;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;

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
 * Calls the Anthropic Messages API through the official SDK ({@code com.anthropic:anthropic-java}).
 *
 * <p>One SDK client (connection pool and dispatcher) is kept per base URL, built without a
 * credential; the key is sent as the {@code x-api-key} header of each request, because the SDK
 * fixes a client's credential when the client is built and building a client per call would
 * mean a connection pool per call. So no long-lived object holds a key. The SDK's own retries
 * are off: failures are classified and thrown ({@link ModelClient}). At most
 * {@value #MAX_CACHED_CLIENTS} base URLs are cached; further ones get a client for the one call.
 */
public final class AnthropicModelClient implements ModelClient {

    static final int MAX_CACHED_CLIENTS = 64;

    private final Duration connectTimeout;
    private final Clock clock;
    private final ConcurrentMap<URI, AnthropicClient> clients = new ConcurrentHashMap<>();

    public AnthropicModelClient(Duration connectTimeout, Clock clock) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.clock = Objects.requireNonNull(clock);
    }

    public AnthropicModelClient() {
        this(Duration.ofSeconds(10), Clock.systemUTC());
    }

    @Override
    public ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener) {
        if (request.endpoint().provider() != ModelProvider.ANTHROPIC) {
            throw new IllegalArgumentException("not an Anthropic request: " + request.endpoint());
        }
        String key = apiKey.reveal();
        MessageCreateParams params = AnthropicMessages.params(request, key);
        RequestOptions options = RequestOptions.builder()
                .timeout(Timeout.builder().connect(connectTimeout).read(request.timeout()).write(request.timeout())
                        .request(request.timeout()).build())
                .build();
        URI baseUrl = request.endpoint().baseUrl();
        return ThreadedModelCall.start(ModelProvider.ANTHROPIC, request.timeout(), listener, call -> {
            AnthropicClient client = clientFor(baseUrl);
            try {
                return request.streaming() ? stream(client, params, options, call)
                        : AnthropicMessages.response(client.messages().create(params, options));
            } finally {
                if (client != clients.get(baseUrl)) {
                    client.close();
                }
            }
        }, failure -> classify(failure, key));
    }

    private static ModelResponse stream(AnthropicClient client, MessageCreateParams params, RequestOptions options,
            ThreadedModelCall call) {
        try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params, options)) {
            call.closeOnAbandon(events);
            MessageAccumulator accumulator = MessageAccumulator.create();
            events.stream().takeWhile(event -> !call.abandoned()).forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().ifPresent(delta -> {
                    delta.delta().text().ifPresent(text -> call.deliverText(text.text()));
                    delta.delta().thinking().ifPresent(thinking -> call.deliverThinking(thinking.thinking()));
                });
            });
            return AnthropicMessages.response(accumulator.message());
        }
    }

    private AnthropicClient clientFor(URI baseUrl) {
        AnthropicClient cached = clients.get(baseUrl);
        if (cached != null) {
            return cached;
        }
        if (clients.size() >= MAX_CACHED_CLIENTS) {
            return build(baseUrl);
        }
        return clients.computeIfAbsent(baseUrl, this::build);
    }

    private AnthropicClient build(URI baseUrl) {
        return AnthropicOkHttpClient.builder()
                .baseUrl(baseUrl.toString())
                .maxRetries(0)
                .timeout(Timeout.builder().connect(connectTimeout).build())
                .build();
    }

    private ModelCallException classify(Throwable failure, String key) {
        Throwable cause = unwrap(failure);
        if (cause instanceof AnthropicServiceException service) {
            return errorBody(service).failure(ModelProvider.ANTHROPIC, service.statusCode(),
                    RetryAfter.parse(header(service.headers(), "retry-after-ms"),
                            header(service.headers(), "retry-after"), clock).orElse(null),
                    key);
        }
        if (cause instanceof AnthropicInvalidDataException) {
            return new ModelCallException(ModelProvider.ANTHROPIC, ModelFailure.PROTOCOL,
                    "anthropic: the response could not be read: " + cause.getMessage(), 0, null, cause);
        }
        Throwable io = ioCause(cause);
        if (io != null) {
            return ModelCallException.forConnectionError(ModelProvider.ANTHROPIC, io instanceof InterruptedIOException,
                    io);
        }
        return new ModelCallException(ModelProvider.ANTHROPIC, ModelFailure.OTHER,
                "anthropic: the call failed: " + cause.getClass().getSimpleName(), 0, null, null);
    }

    private static ProviderErrorBody errorBody(AnthropicServiceException service) {
        try {
            return ProviderErrorBody.parse(ObjectMappers.jsonMapper().writeValueAsString(service.body()));
        } catch (Exception e) {
            return ProviderErrorBody.EMPTY;
        }
    }

    private static String header(Headers headers, String name) {
        List<String> values = headers.values(name);
        return values.isEmpty() ? null : values.getFirst();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException
                || cause instanceof ExecutionException
                || cause instanceof UncheckedIOException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The I/O failure behind an SDK I/O error, if it is one. */
    static Throwable ioCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return cause;
            }
        }
        return null;
    }

    @Override
    public void close() {
        clients.values().forEach(AnthropicClient::close);
        clients.clear();
    }
}
