package dev.opencomputer.sdk.sessions;

import java.util.List;

/** What a session's live configuration may be switched to, and what it is now. */
public record SessionConfigOptions(List<String> models, List<String> modes, List<String> thinking,
        SessionConfig current) {

    public SessionConfigOptions {
        models = models == null ? List.of() : List.copyOf(models);
        modes = modes == null ? List.of() : List.copyOf(modes);
        thinking = thinking == null ? List.of() : List.copyOf(thinking);
    }
}
