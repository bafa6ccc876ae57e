package dev.opencomputer.server.webhooks;

import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.webhooks.WebhookProperties;
import dev.opencomputer.webhooks.postgres.PostgresWebhookDispatcher;
import dev.opencomputer.webhooks.postgres.PostgresWebhookEndpoints;
import dev.opencomputer.webhooks.postgres.PostgresWebhookMessages;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Webhooks inside the application: settings from {@code opencomputer.webhooks.*} (bound on every
 * role, so a bad value fails every start alike), the endpoint and message stores the API serves,
 * and — only where {@code opencomputer.roles} includes {@code dispatcher} — the dispatcher that
 * derives messages from the log and delivers them, started with the application and stopped
 * (finishing its deliveries) early in the shutdown.
 */
@Configuration(proxyBeanMethods = false)
class WebhooksConfiguration {

    static final String PREFIX = "opencomputer.webhooks";

    @Bean
    WebhookProperties webhookProperties(Environment environment) {
        return Binder.get(environment).bind(PREFIX, WebhookProperties.class).orElseGet(WebhookProperties::defaults);
    }

    @Bean
    PostgresWebhookEndpoints webhookEndpoints(DataSource dataSource, SecretStore secrets, WebhookProperties properties,
            Clock clock) {
        return new PostgresWebhookEndpoints(dataSource, secrets, properties, clock);
    }

    @Bean(destroyMethod = "close")
    PostgresWebhookMessages webhookMessages(DataSource dataSource, SecretStore secrets, PostgresEventLog eventLog,
            WebhookProperties properties, Clock clock) {
        return new PostgresWebhookMessages(dataSource, secrets, eventLog, properties, clock);
    }

    /** Stopped by {@link #webhookDispatcherLifecycle} early in the shutdown (or a pause), closed at the end. */
    @Bean(destroyMethod = "close")
    @Conditional(DispatcherRole.class)
    PostgresWebhookDispatcher webhookDispatcher(DataSource dataSource, PostgresEventLog eventLog, SecretStore secrets,
            WebhookProperties properties, Clock clock, Environment environment) {
        String id = environment.getProperty(PREFIX + ".dispatcher-id",
                ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        return new PostgresWebhookDispatcher(id, dataSource, eventLog.tail(), eventLog, secrets, properties, clock);
    }

    @Bean
    @Conditional(DispatcherRole.class)
    MeterBinder webhookDispatcherMetrics(PostgresWebhookDispatcher dispatcher) {
        return registry -> Gauge.builder("opencomputer.webhooks.in_flight", dispatcher,
                PostgresWebhookDispatcher::inFlight).description("webhook deliveries running in this process")
                .register(registry);
    }

    @Bean
    @Conditional(DispatcherRole.class)
    SmartLifecycle webhookDispatcherLifecycle(PostgresWebhookDispatcher dispatcher) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                dispatcher.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                dispatcher.stop();
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
