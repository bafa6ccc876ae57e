package dev.opencomputer.server.sessions;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What a session's live configuration may be set to ({@code opencomputer.sessions.config.*}).
 *
 * @param models the models a session may switch to, per provider wire name ({@code anthropic},
 *               {@code openai}); the agent's own model is always allowed as well
 * @param modes  the modes a session may be in; the first is the default ({@code auto}, {@code plan})
 */
@ConfigurationProperties("opencomputer.sessions.config")
public record SessionConfigProperties(Map<String, List<String>> models, List<String> modes) {

    public SessionConfigProperties {
        models = models == null || models.isEmpty() ? Map.of(
                "anthropic", List.of("claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5"),
                "openai", List.of("gpt-5", "gpt-5-mini", "gpt-4.1")) : Map.copyOf(models);
        modes = modes == null || modes.isEmpty() ? List.of("auto", "plan") : List.copyOf(modes);
    }
}
