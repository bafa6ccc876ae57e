package dev.opencomputer.webhooks;

import java.util.List;

/** An endpoint's {@code events} names types (or prefixes) this version does not know. */
public class EventFilterInvalidException extends RuntimeException {

    private final List<String> unknown;

    public EventFilterInvalidException(List<String> unknown) {
        super("unknown event type(s): " + String.join(", ", unknown));
        this.unknown = List.copyOf(unknown);
    }

    public List<String> unknown() {
        return unknown;
    }
}
