package dev.opencomputer.eventlog;

import java.time.Duration;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the event log, bound from {@code opencomputer.event-log.*}. A null or zero value
 * takes the default; the constructor rejects values that cannot work.
 *
 * @param committers threads that commit appends, each holding one connection while it commits
 *     (default 4)
 * @param maxBatchEvents most events one commit groups together, across sessions (default 1000)
 * @param queueCapacity appends waiting for a committer before appenders block (default 10000)
 * @param maxEventSize largest data of one event, as JSON (default 1 MiB)
 * @param readBatchSize rows one read of a subscription fetches (default 1000)
 * @param readConcurrency subscription reads running at once, so that a reconnect storm queues
 *     here instead of exhausting the connection pool (default 4)
 * @param recentEventsPerSession events of each subscribed session kept in memory to serve every
 *     subscriber from one read (default 512)
 * @param ephemeralBufferPerSubscriber ephemeral events a subscriber may fall behind by before the
 *     oldest are dropped (default 256)
 * @param pollInterval how often sessions with subscribers are checked for missed events while
 *     the LISTEN connection is up, as a safety net (default 5 s)
 * @param fallbackPollInterval how often they are checked while the LISTEN connection is down
 *     (default 250 ms)
 * @param listenerReconnectMaxBackoff longest wait between attempts to reconnect the LISTEN
 *     connection (default 5 s)
 * @param maxReadBytes most event data (JSON bytes) one bounded read of the log holds — a page of
 *     {@code GET …/events}, a subscription's catch-up page, a feed's read, a log tail's batch; the
 *     first event of a read is always included (default 4 MiB)
 * @param recentBytesPerSession most event data of the recent events kept per subscribed session;
 *     the newest event is always kept (default 4 MiB)
 */
public record EventLogProperties(
        int committers,
        int maxBatchEvents,
        int queueCapacity,
        DataSize maxEventSize,
        int readBatchSize,
        int readConcurrency,
        int recentEventsPerSession,
        int ephemeralBufferPerSubscriber,
        Duration pollInterval,
        Duration fallbackPollInterval,
        Duration listenerReconnectMaxBackoff,
        DataSize maxReadBytes,
        DataSize recentBytesPerSession) {

    public EventLogProperties {
        committers = orDefault("committers", committers, 4);
        maxBatchEvents = orDefault("maxBatchEvents", maxBatchEvents, 1000);
        queueCapacity = orDefault("queueCapacity", queueCapacity, 10_000);
        maxEventSize = maxEventSize == null || maxEventSize.toBytes() == 0 ? DataSize.ofMegabytes(1) : maxEventSize;
        readBatchSize = orDefault("readBatchSize", readBatchSize, 1000);
        readConcurrency = orDefault("readConcurrency", readConcurrency, 4);
        recentEventsPerSession = orDefault("recentEventsPerSession", recentEventsPerSession, 512);
        ephemeralBufferPerSubscriber = orDefault("ephemeralBufferPerSubscriber", ephemeralBufferPerSubscriber, 256);
        pollInterval = orDefault("pollInterval", pollInterval, Duration.ofSeconds(5));
        fallbackPollInterval = orDefault("fallbackPollInterval", fallbackPollInterval, Duration.ofMillis(250));
        listenerReconnectMaxBackoff =
                orDefault("listenerReconnectMaxBackoff", listenerReconnectMaxBackoff, Duration.ofSeconds(5));
        maxReadBytes = maxReadBytes == null || maxReadBytes.toBytes() == 0 ? DataSize.ofMegabytes(4) : maxReadBytes;
        recentBytesPerSession = recentBytesPerSession == null || recentBytesPerSession.toBytes() == 0
                ? DataSize.ofMegabytes(4) : recentBytesPerSession;
        if (maxReadBytes.isNegative() || recentBytesPerSession.isNegative()) {
            throw new IllegalArgumentException("maxReadBytes and recentBytesPerSession must be positive");
        }
        if (maxEventSize.isNegative()) {
            throw new IllegalArgumentException("maxEventSize must be positive: " + maxEventSize);
        }
        if (maxBatchEvents < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("maxBatchEvents and queueCapacity must be positive");
        }
    }

    /** Every setting at its default. */
    public static EventLogProperties defaults() {
        return new EventLogProperties(0, 0, 0, null, 0, 0, 0, 0, null, null, null, null, null);
    }

    private static int orDefault(String name, int value, int fallback) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " cannot be negative: " + value);
        }
        return value == 0 ? fallback : value;
    }

    private static Duration orDefault(String name, Duration value, Duration fallback) {
        if (value != null && value.isNegative()) {
            throw new IllegalArgumentException(name + " cannot be negative: " + value);
        }
        return value == null || value.isZero() ? fallback : value;
    }
}
