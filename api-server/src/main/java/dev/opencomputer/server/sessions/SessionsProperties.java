package dev.opencomputer.server.sessions;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the session endpoints ({@code opencomputer.sessions.*}), checked at start-up.
 *
 * @param heartbeat        how often an SSE stream sends a {@code :} comment when nothing else
 *                         happens (at most 15 s, so proxies and clients do not time out)
 * @param retry            the reconnection delay an SSE stream asks for ({@code retry:})
 * @param maxMessageLength the longest {@code input} or message text, in characters
 * @param streamCheck      how often open streams are checked against their session (destroyed?) and
 *                         the API key behind them (revoked?); a stream that fails the check ends
 */
@ConfigurationProperties("opencomputer.sessions")
public record SessionsProperties(
        @DefaultValue("10s") Duration heartbeat,
        @DefaultValue("2s") Duration retry,
        @DefaultValue("100000") int maxMessageLength,
        @DefaultValue("5s") Duration streamCheck) {

    public SessionsProperties {
        if (heartbeat.isNegative() || heartbeat.isZero() || heartbeat.compareTo(Duration.ofSeconds(15)) > 0) {
            throw new IllegalArgumentException("opencomputer.sessions.heartbeat must be within (0, 15s]");
        }
        if (retry.isNegative() || retry.isZero()) {
            throw new IllegalArgumentException("opencomputer.sessions.retry must be positive");
        }
        if (streamCheck.isNegative() || streamCheck.isZero()) {
            throw new IllegalArgumentException("opencomputer.sessions.stream-check must be positive");
        }
        if (maxMessageLength < 1) {
            throw new IllegalArgumentException("opencomputer.sessions.max-message-length must be at least 1");
        }
    }
}
