package dev.opencomputer.webhooks;

import java.util.Locale;

/** Where a message stands: waiting for (another) attempt, delivered, or dead after its last attempt. */
public enum MessageStatus {
    PENDING, DELIVERED, FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MessageStatus parse(String value) {
        for (MessageStatus status : values()) {
            if (status.wireName().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown message status: " + value);
    }
}
