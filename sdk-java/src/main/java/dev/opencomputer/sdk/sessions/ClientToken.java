package dev.opencomputer.sdk.sessions;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.time.Instant;

/**
 * A client token: a short-lived JWT that lets its holder read one session, page and stream its
 * events and send it messages — nothing else. {@code toString()} hides the token.
 */
public record ClientToken(@JsonAlias({"clientToken", "jwt"}) String token,
        @JsonAlias("clientTokenExpiresAt") Instant expiresAt) {

    @Override
    public String toString() {
        return "ClientToken[token=***, expiresAt=" + expiresAt + "]";
    }
}
