package dev.opencomputer.session;

import java.time.Instant;

/** The id of a agent: {@code agt_} followed by 24 lowercase hex digits, time-ordered. */
public record AgentId(String value) {

    public static final String PREFIX = "agt";

    public AgentId {
        Ids.requireShape(PREFIX, value);
    }

    /** Parses an id from untrusted input; throws {@link IllegalArgumentException} when malformed. */
    public static AgentId parse(String value) {
        return new AgentId(value);
    }

    /** Whether {@code value} has the shape of a agent id. */
    public static boolean isValid(String value) {
        return Ids.isShaped(PREFIX, value);
    }

    /** A fresh id created at {@code now}. */
    public static AgentId next(Instant now) {
        return new AgentId(Ids.next(PREFIX, now));
    }

    @Override
    public String toString() {
        return value;
    }
}
