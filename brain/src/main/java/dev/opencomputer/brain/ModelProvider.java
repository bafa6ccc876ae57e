package dev.opencomputer.brain;

import java.net.URI;
import java.util.Locale;

/** A model API wire format the brain speaks, each through its provider's official Java SDK. */
public enum ModelProvider {

    /** The Anthropic Messages API ({@code com.anthropic:anthropic-java}). */
    ANTHROPIC("anthropic", URI.create("https://api.anthropic.com")),

    /** OpenAI Chat Completions, or any server compatible with it ({@code com.openai:openai-java}). */
    OPENAI("openai", URI.create("https://api.openai.com/v1"));

    private final String wireName;
    private final URI defaultBaseUrl;

    ModelProvider(String wireName, URI defaultBaseUrl) {
        this.wireName = wireName;
        this.defaultBaseUrl = defaultBaseUrl;
    }

    /** The name used in configuration and the API: {@code anthropic} or {@code openai}. */
    public String wireName() {
        return wireName;
    }

    /** The provider's public API, used when an agent sets no base URL. */
    public URI defaultBaseUrl() {
        return defaultBaseUrl;
    }

    /** Parses a wire name; throws {@link IllegalArgumentException} naming the choices otherwise. */
    public static ModelProvider parse(String wireName) {
        for (ModelProvider provider : values()) {
            if (provider.wireName.equals(wireName == null ? null : wireName.toLowerCase(Locale.ROOT))) {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown model provider \"" + wireName + "\" (known: anthropic, openai)");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
