package dev.opencomputer.session;

import java.time.Instant;

/** The id of a sandbox: {@code sbx_} followed by 24 lowercase hex digits, time-ordered. */
public record SandboxId(String value) {

    public static final String PREFIX = "sbx";

    public SandboxId {
        Ids.requireShape(PREFIX, value);
    }

    /** Parses an id from untrusted input; throws {@link IllegalArgumentException} when malformed. */
    public static SandboxId parse(String value) {
        return new SandboxId(value);
    }

    /** Whether {@code value} has the shape of a sandbox id. */
    public static boolean isValid(String value) {
        return Ids.isShaped(PREFIX, value);
    }

    /** A fresh id created at {@code now}. */
    public static SandboxId next(Instant now) {
        return new SandboxId(Ids.next(PREFIX, now));
    }

    @Override
    public String toString() {
        return value;
    }
}
