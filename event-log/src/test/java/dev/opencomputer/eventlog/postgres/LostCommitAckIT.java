package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.UserMessage;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * An append whose {@code COMMIT} reached PostgreSQL but whose acknowledgement was lost (the
 * connection broke right after) is stored once: the log finds that it committed and answers the
 * appender with its seqs, instead of failing it or storing it again under new seqs.
 */
class LostCommitAckIT {

    private MigratedDatabase db;
    private CommitCuttingProxy proxy;
    private HikariDataSource proxied;
    private PostgresEventLog log;

    @BeforeEach
    void start() throws Exception {
        db = MigratedDatabase.create();
        URI direct = URI.create(db.url().substring("jdbc:".length()));
        proxy = new CommitCuttingProxy(direct.getPort());
        HikariConfig config = new HikariConfig();
        // prepareThreshold=0: COMMIT goes as text every time (not as a prepared statement), so the proxy sees it
        config.setJdbcUrl(db.url().replace(":" + direct.getPort() + "/", ":" + proxy.port() + "/")
                + (db.url().contains("?") ? "&" : "?") + "prepareThreshold=0");
        config.setMaximumPoolSize(4);
        proxied = new HikariDataSource(config);
        log = new PostgresEventLog(proxied, new SimpleDriverDataSource(new org.postgresql.Driver(), db.url()),
                EventLogProperties.defaults(), Clock.systemUTC()).start();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        proxied.close();
        proxy.close();
        db.close();
    }

    @Test
    void anAppendWhoseCommitAcknowledgementIsLostIsStoredOnceAndAnsweredWithItsSeqs() {
        SessionId session = db.newSession(log);
        proxy.arm();
        List<LoggedEvent> appended = log.append(session, List.of(new UserMessage("once"), new UserMessage("twice?")));

        assertThat(proxy.cuts()).as("the commit's answer was swallowed").isEqualTo(1);
        assertThat(appended).extracting(LoggedEvent::seq).containsExactly(3L, 4L);
        assertThat(db.queryLong("select count(*) from session_events where session_id = '" + session.value() + "'"))
                .isEqualTo(4);
        assertThat(db.queryLong("select last_seq from sessions where id = '" + session.value() + "'")).isEqualTo(4);
        // and the log goes on gapless
        assertThat(log.append(session, new UserMessage("after")).seq()).isEqualTo(5);
    }
}
