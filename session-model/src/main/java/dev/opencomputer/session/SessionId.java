package dev.opencomputer.session;

import java.time.Instant;

/** The id of a session: {@code ses_} followed by 24 lowercase hex digits, time-ordered. */
public record SessionId(String value) {

    public static final String PREFIX = "ses";

    public SessionId {
        Ids.requireShape(PREFIX, value);
    }

    /** Parses an id from untrusted input; throws {@link IllegalArgumentException} when malformed. */
    public static SessionId parse(String value) {
        return new SessionId(value);
    }

    /** Whether {@code value} has the shape of a session id. */
    public static boolean isValid(String value) {
        return Ids.isShaped(PREFIX, value);
    }

    /** A fresh id created at {@code now}. */
    public static SessionId next(Instant now) {
        return new SessionId(Ids.next(PREFIX, now));
    }

    @Override
    public String toString() {
        return value;
    }
}
