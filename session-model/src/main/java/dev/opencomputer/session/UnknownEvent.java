package dev.opencomputer.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An event of a type this version does not know (written by a newer version, or a type that
 * was retired), kept as its wire name and its data as plain JSON values ({@code Map},
 * {@code List}, {@code String}, {@code Number}, {@code Boolean}, null) so that it can be shown
 * and passed on unchanged. Folds ignore it.
 */
public record UnknownEvent(String type, Map<String, Object> data) implements SessionEvent, EphemeralEvent {

    public UnknownEvent {
        Objects.requireNonNull(type, "type");
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }
}
