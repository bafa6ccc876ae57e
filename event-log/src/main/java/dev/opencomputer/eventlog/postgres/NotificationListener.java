package dev.opencomputer.eventlog.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one LISTEN connection of this replica. Each notification of stored events only wakes the
 * feeds it names (those of ephemeral events, from other replicas, go to the relay);
 * when the connection breaks (network, restart, {@code pg_terminate_backend}) it reconnects with
 * backoff and, once listening again, has every feed polled, since notifications sent meanwhile
 * are lost. While it is down the log polls faster.
 */
final class NotificationListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NotificationListener.class);
    static final String APPLICATION_NAME = "opencomputer-event-log-listener";
    private static final int WAIT_MILLIS = 500;
    private static final long CHECK_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private final DataSource dataSource;
    private final SessionFeeds feeds;
    private final Runnable caughtUpAfterReconnect;
    private final Duration maxBackoff;
    private final java.util.function.Consumer<String> ephemeral;
    private final Thread thread;
    private volatile boolean running;
    private volatile boolean listening;
    private volatile int backendPid;

    /** @param ephemeral takes the payloads of {@link EphemeralRelay#CHANNEL} (other replicas' deltas) */
    NotificationListener(DataSource dataSource, SessionFeeds feeds, Runnable pollAfterConnect, Duration maxBackoff,
            java.util.function.Consumer<String> ephemeral) {
        this.ephemeral = ephemeral;
        this.dataSource = dataSource;
        this.feeds = feeds;
        this.caughtUpAfterReconnect = pollAfterConnect;
        this.maxBackoff = maxBackoff;
        this.thread = Thread.ofPlatform().daemon().name("oc-event-log-listen").unstarted(this::run);
    }

    void start() {
        running = true;
        thread.start();
    }

    /** Whether the LISTEN connection is up. */
    boolean listening() {
        return listening;
    }

    /** The server process id of the LISTEN connection (0 when down), for tests that kill it. */
    int backendPid() {
        return backendPid;
    }

    private void run() {
        long backoffMillis = 50;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("SET application_name = '" + APPLICATION_NAME + "'");
                    s.execute("LISTEN " + EventTable.CHANNEL);
                    s.execute("LISTEN " + EphemeralRelay.CHANNEL);
                    try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        backendPid = rs.getInt(1);
                    }
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                backoffMillis = 50;
                log.debug("listening on {} (backend {})", EventTable.CHANNEL, backendPid);
                caughtUpAfterReconnect.run();
                listen(c, pg);
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    log.warn("LISTEN connection lost ({}); reconnecting in {} ms", e.getMessage(), backoffMillis);
                }
            } finally {
                listening = false;
                backendPid = 0;
            }
            if (running) {
                pause(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, maxBackoff.toMillis());
            }
        }
    }

    private void listen(Connection c, PGConnection pg) throws SQLException {
        long lastCheck = System.nanoTime();
        while (running) {
            PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
            if (notifications != null) {
                for (PGNotification notification : notifications) {
                    if (EphemeralRelay.CHANNEL.equals(notification.getName())) {
                        ephemeral.accept(notification.getParameter());
                    } else {
                        feeds.signal(EventTable.parsePayload(notification.getParameter()));
                    }
                }
            }
            if (System.nanoTime() - lastCheck > CHECK_EVERY_NANOS) {
                // A half-open TCP connection delivers nothing and raises nothing: ask.
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(5);
                    s.execute("SELECT 1");
                }
                lastCheck = System.nanoTime();
            }
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
