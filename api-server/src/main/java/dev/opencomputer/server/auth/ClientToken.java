package dev.opencomputer.server.auth;

import java.time.Instant;

/** A minted client token and when it stops being accepted. */
public record ClientToken(String token, Instant expiresAt) {

    @Override
    public String toString() {
        return "ClientToken[expiresAt=" + expiresAt + "]";
    }
}
