package dev.opencomputer.webhooks.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.standardwebhooks.Webhook;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.NewSession;
import dev.opencomputer.eventlog.postgres.PostgresEventLog;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.postgres.PostgresSecretStore;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStarted;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UserMessage;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import dev.opencomputer.testing.WebhookReceiver;
import dev.opencomputer.testing.WebhookReceiver.Answer;
import dev.opencomputer.webhooks.CreatedEndpoint;
import dev.opencomputer.webhooks.EventFilter;
import dev.opencomputer.webhooks.MessageStatus;
import dev.opencomputer.webhooks.NewEndpoint;
import dev.opencomputer.webhooks.WebhookProperties;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Dispatchers on a real database and a real event log, delivering to real receivers on
 * 127.0.0.1: several dispatchers share the work without delivering a message twice, the
 * per-endpoint limit keeps a slow endpoint from holding up others, the SSRF guard is applied
 * again at delivery, and an endpoint that keeps failing is disabled.
 */
class DispatcherIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TenantId tenant = TenantId.next(Instant.now());
    private final AgentId agent = AgentId.next(Instant.now());
    private final List<AutoCloseable> opened = new ArrayList<>();
    private TestDatabase database;
    private HikariDataSource pool;
    private PostgresEventLog log;
    private SecretStore secrets;

    @BeforeEach
    void setUp() {
        database = TestDatabase.create();
        Flyway.configure().dataSource(database.url(), null, null).locations("classpath:db/migration/event-log",
                "classpath:db/migration/secret-store", "classpath:db/migration/webhook-dispatcher").load().migrate();
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.url());
        config.setMaximumPoolSize(20);
        pool = new HikariDataSource(config);
        log = new PostgresEventLog(pool, new SimpleDriverDataSource(new org.postgresql.Driver(), database.url()),
                EventLogProperties.defaults(), Clock.systemUTC()).start();
        SecureRandom random = new SecureRandom();
        secrets = new PostgresSecretStore(pool, new SecretStoreProperties(MasterKeys.newEntry(1, random), null, null,
                false, null, null), random, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        log.close();
        pool.close();
        database.close();
    }

    private static WebhookProperties properties(boolean allowLoopback, int concurrency, int perEndpoint,
            List<Duration> schedule, Duration disableAfter) {
        return new WebhookProperties(Duration.ofSeconds(3), schedule, 0.0, Duration.ofSeconds(5), null, disableAfter,
                true, allowLoopback ? List.of("127.0.0.1/32") : List.of(), concurrency, perEndpoint,
                Duration.ofSeconds(10), Duration.ofMillis(50));
    }

    private static final List<Duration> QUICK = List.of(Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(300));

    private PostgresWebhookDispatcher dispatcher(String id, WebhookProperties properties) {
        PostgresWebhookDispatcher dispatcher = new PostgresWebhookDispatcher(id, pool, log.tail(), log, secrets,
                properties, Clock.systemUTC()).start();
        opened.add(dispatcher);
        return dispatcher;
    }

    private WebhookReceiver receiver() {
        WebhookReceiver receiver = WebhookReceiver.start();
        opened.add(receiver);
        return receiver;
    }

    private CreatedEndpoint endpoint(String url) {
        return new PostgresWebhookEndpoints(pool, secrets, properties(true, 1, 1, QUICK, null), Clock.systemUTC())
                .create(tenant.value(), new NewEndpoint(url, EventFilter.parse(List.of("user.message")), null, null), 20);
    }

    /** A session with {@code messages} user.message events (the first is its input). */
    private SessionId session(int messages) {
        SessionId id = SessionId.next(Instant.now());
        log.create(new NewSession(id, tenant, agent, 1, Map.of()),
                List.of(new SessionStarted(agent, 1, "model", null, Map.of()), new UserMessage("message 0")));
        for (int i = 1; i < messages; i++) {
            log.append(id, new UserMessage("message " + i));
        }
        return id;
    }

    private PostgresWebhookMessages messages;

    private PostgresWebhookMessages messages() {
        if (messages == null) {
            messages = new PostgresWebhookMessages(pool, secrets, log, properties(true, 1, 1, QUICK, null),
                    Clock.systemUTC());
            opened.add(messages);
        }
        return messages;
    }

    @Test
    void severalDispatchersShareTheWorkAndNeverDeliverAMessageTwice() {
        WebhookReceiver receiver = receiver().otherwise(Answer.status(200).after(Duration.ofMillis(20)));
        CreatedEndpoint endpoint = endpoint(receiver.url("/shared"));
        dispatcher("one", properties(true, 4, 4, QUICK, null));
        dispatcher("two", properties(true, 4, 4, QUICK, null));
        List<SessionId> sessions = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(session(30));
        }

        Await.until(WAIT, "120 deliveries", () -> receiver.received().size() >= 120);
        List<WebhookReceiver.Received> received = receiver.received();
        Map<String, Long> perId = received.stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"),
                Collectors.counting()));
        assertThat(perId).hasSize(120).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
        received.forEach(r -> {
            try {
                new Webhook(endpoint.secret().reveal()).verify(r.body(), r.headers());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<String> dispatchers = JdbcClient.create(pool).sql("select distinct dispatcher from webhook_attempts")
                .query(String.class).list();
        assertThat(dispatchers).containsExactlyInAnyOrder("one", "two");
        // webhook.sent in each session's log, never delivered itself
        Await.until(WAIT, "webhook.sent logged", () -> sessions.stream().mapToLong(id -> log.readAfter(id, 0, 1000)
                .stream().filter(e -> e.event() instanceof dev.opencomputer.session.WebhookSent).count()).sum() == 120);
        assertThat(receiver.received()).hasSize(120);
    }

    @Test
    void aSlowEndpointUsesAtMostItsConcurrencyAndNeverHoldsUpAnother() {
        WebhookReceiver slow = receiver().otherwise(Answer.status(200).after(Duration.ofMillis(400)));
        WebhookReceiver fast = receiver();
        CreatedEndpoint slowEndpoint = endpoint(slow.url("/slow"));
        endpoint(fast.url("/fast"));
        dispatcher("limited", properties(true, 64, 2, QUICK, null));
        session(12);

        Await.until(WAIT, "the fast endpoint has all 12", () -> fast.received().size() == 12);
        assertThat(slow.received().size()).as("the slow endpoint is still behind").isLessThan(12);
        Await.until(WAIT, "the slow endpoint has all 12", () -> slow.received().size() == 12);
        assertThat(slow.maxConcurrent()).isEqualTo(2);
        Await.until(WAIT, "all 12 recorded as delivered", () -> messages().list(tenant.value(),
                slowEndpoint.endpoint().id(), MessageStatus.DELIVERED, null, 100).size() == 12);
    }

    @Test
    void aStoppedDispatcherCanBeStartedAgainAndDeliversWhatCameMeanwhile() {
        WebhookReceiver receiver = receiver();
        endpoint(receiver.url("/restart"));
        PostgresWebhookDispatcher dispatcher = dispatcher("restarted", properties(true, 4, 4, QUICK, null));
        session(2);
        Await.until(WAIT, "2 deliveries", () -> receiver.received().size() == 2);
        dispatcher.stop(); // as Spring does when it pauses a context
        session(3);
        dispatcher.start();
        Await.until(WAIT, "5 deliveries", () -> receiver.received().size() == 5);
    }

    @Test
    void theGuardIsAppliedAgainAtDeliveryAndARefusalIsAFailedAttempt() {
        WebhookReceiver receiver = receiver();
        CreatedEndpoint endpoint = endpoint(receiver.url("/moved")); // allowed when created
        // this dispatcher's guard no longer allows loopback, as if the name now resolved there
        dispatcher("strict", properties(false, 4, 4, QUICK, null));
        session(1);

        var failed = Await.value(WAIT, "the message dead", () -> messages().list(tenant.value(),
                endpoint.endpoint().id(), MessageStatus.FAILED, null, 10), list -> list.size() == 1);
        var message = messages().find(tenant.value(), failed.getFirst().id());
        assertThat(message.attempts()).hasSize(3).allSatisfy(a -> {
            assertThat(a.statusCode()).isNull();
            assertThat(a.error()).contains("SSRF").contains("loopback");
        });
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void anEndpointThatKeepsFailingIsDisabledWithAReason() {
        WebhookReceiver receiver = receiver().otherwise(Answer.status(500));
        CreatedEndpoint endpoint = endpoint(receiver.url("/down"));
        List<Duration> schedule = List.of(Duration.ZERO, Duration.ofMillis(600), Duration.ofMillis(600),
                Duration.ofMillis(600), Duration.ofMillis(600));
        dispatcher("impatient", properties(true, 4, 4, schedule, Duration.ofSeconds(1)));
        session(1);

        var endpoints = new PostgresWebhookEndpoints(pool, secrets, properties(true, 1, 1, QUICK, null),
                Clock.systemUTC());
        var disabled = Await.value(WAIT, "the endpoint disabled",
                () -> endpoints.find(tenant.value(), endpoint.endpoint().id()), e -> e.disabled());
        assertThat(disabled.disabledReason()).startsWith("every attempt failed since");
        int attempts = receiver.received().size();
        assertThat(attempts).isBetween(2, 4);
        // nothing more is sent to a disabled endpoint; re-enabling resumes the pending message
        session(1);
        receiver.otherwise(Answer.status(200));
        assertThat(receiver.received()).hasSize(attempts);
        endpoints.update(tenant.value(), endpoint.endpoint().id(), new dev.opencomputer.webhooks.EndpointChange(
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.of(false)));
        Await.until(WAIT, "the pending message delivered after re-enabling",
                () -> receiver.received().stream().anyMatch(r -> r.headers().containsKey("webhook-id"))
                        && messages().list(tenant.value(), endpoint.endpoint().id(), MessageStatus.DELIVERED, null, 10)
                        .size() == 1);
    }
}
