package dev.opencomputer.session;

import java.time.Instant;

/** The id of a tenant: {@code ten_} followed by 24 lowercase hex digits, time-ordered. */
public record TenantId(String value) {

    public static final String PREFIX = "ten";

    public TenantId {
        Ids.requireShape(PREFIX, value);
    }

    /** Parses an id from untrusted input; throws {@link IllegalArgumentException} when malformed. */
    public static TenantId parse(String value) {
        return new TenantId(value);
    }

    /** Whether {@code value} has the shape of a tenant id. */
    public static boolean isValid(String value) {
        return Ids.isShaped(PREFIX, value);
    }

    /** A fresh id created at {@code now}. */
    public static TenantId next(Instant now) {
        return new TenantId(Ids.next(PREFIX, now));
    }

    @Override
    public String toString() {
        return value;
    }
}
