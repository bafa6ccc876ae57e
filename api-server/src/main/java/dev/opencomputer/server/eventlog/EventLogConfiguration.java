package dev.opencomputer.server.eventlog;

import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.eventlog.postgres.PostgresSessionDirectory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The application's one {@link PostgresEventLog} and the directory of its sessions: settings from {@code opencomputer.event-log.*}
 * (see docs/config.md), appends and reads through the connection pool, LISTEN on a dedicated
 * unpooled connection, live streams ended first at shutdown so that they do not hold up the
 * graceful shutdown (their clients reconnect elsewhere and resume).
 */
@Configuration(proxyBeanMethods = false)
class EventLogConfiguration {

    static final String PREFIX = "opencomputer.event-log";

    @Bean
    EventLogProperties eventLogProperties(Environment environment) {
        return Binder.get(environment).bindOrCreate(PREFIX, EventLogProperties.class);
    }

    @Bean(destroyMethod = "close")
    PostgresEventLog eventLog(DataSource dataSource, DataSourceProperties dataSourceProperties,
            EventLogProperties properties, Clock clock) {
        DataSource listenerSource = dataSourceProperties.initializeDataSourceBuilder()
                .type(SimpleDriverDataSource.class).build();
        return new PostgresEventLog(dataSource, listenerSource, properties, clock).start();
    }

    /** The event log's {@code sessions} rows, for the resources that find, list and destroy sessions. */
    @Bean
    SessionDirectory sessionDirectory(DataSource dataSource) {
        return new PostgresSessionDirectory(dataSource);
    }

    @Bean
    SmartLifecycle endLiveStreamsFirst(PostgresEventLog eventLog) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                eventLog.completeSubscriptions();
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE; // stops before the web server's graceful shutdown
            }
        };
    }

    @Bean
    MeterBinder eventLogMetrics(PostgresEventLog eventLog) {
        return registry -> {
            Gauge.builder("opencomputer.event_log.subscriptions", eventLog, PostgresEventLog::activeSubscriptions)
                    .description("live subscriptions (SSE streams) on this replica").register(registry);
            Gauge.builder("opencomputer.event_log.listening", eventLog, log -> log.listening() ? 1 : 0)
                    .description("1 while the LISTEN connection is up").register(registry);
        };
    }
}
