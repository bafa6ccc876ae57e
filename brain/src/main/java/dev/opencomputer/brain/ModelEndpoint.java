package dev.opencomputer.brain;

import java.net.URI;
import java.util.Objects;

/**
 * Where a model call goes: a provider's wire format at a base URL — the provider's public API, or
 * anything speaking the same format (a gateway, a local model, the scripted model server).
 *
 * @param provider the wire format
 * @param baseUrl  an absolute http(s) URL; for Anthropic the root ({@code …/v1/messages} is
 *                 appended), for OpenAI including {@code /v1} ({@code /chat/completions} is appended)
 */
public record ModelEndpoint(ModelProvider provider, URI baseUrl) {

    public ModelEndpoint {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!baseUrl.isAbsolute() || baseUrl.getHost() == null
                || !(baseUrl.getScheme().equals("http") || baseUrl.getScheme().equals("https"))) {
            throw new IllegalArgumentException("a model base URL must be an absolute http(s) URL: " + baseUrl);
        }
        if (baseUrl.getUserInfo() != null) {
            throw new IllegalArgumentException("a model base URL must not carry credentials");
        }
        String text = baseUrl.toString();
        if (text.endsWith("/")) {
            baseUrl = URI.create(text.substring(0, text.length() - 1));
        }
    }

    /** The provider's public API. */
    public static ModelEndpoint defaultFor(ModelProvider provider) {
        return new ModelEndpoint(provider, provider.defaultBaseUrl());
    }

    /** The given base URL, or the provider's public API when it is {@code null} or blank. */
    public static ModelEndpoint of(ModelProvider provider, String baseUrl) {
        return baseUrl == null || baseUrl.isBlank() ? defaultFor(provider)
                : new ModelEndpoint(provider, URI.create(baseUrl.strip()));
    }
}
