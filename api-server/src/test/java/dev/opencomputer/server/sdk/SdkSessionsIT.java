package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.BadRequestException;
import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.PermissionDeniedException;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.sessions.Budget;
import dev.opencomputer.sdk.sessions.CreateSessionRequest;
import dev.opencomputer.sdk.sessions.SessionBudget;
import dev.opencomputer.sdk.sessions.EventPage;
import dev.opencomputer.sdk.sessions.Session;
import dev.opencomputer.sdk.sessions.SessionEvent;
import dev.opencomputer.sdk.sessions.SessionStarted;
import dev.opencomputer.sdk.sessions.StartedSession;
import dev.opencomputer.sdk.sessions.StoredEvent;
import dev.opencomputer.sdk.sessions.UserMessage;
import dev.opencomputer.sdk.sse.EventStream;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.server.ApiITBase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Java SDK against the real server: sessions, their log and their live stream. No brain is
 * needed: the events the API writes itself ({@code session.started}, {@code user.message}) are
 * enough. Assertions look only at those, so a worker appending events of its own does not matter.
 */
class SdkSessionsIT extends ApiITBase {

    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<OpenComputer, String> keys = new java.util.IdentityHashMap<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        open.add(oc);
        return oc;
    }

    /** A new tenant's client, with an agent named {@code coder}. */
    private OpenComputer newTenantWithAgent(String name) {
        var created = client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name(name).build());
        var oc = client(created.apiKey().key());
        keys.put(oc, created.apiKey().key());
        oc.agents().create(CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5").build());
        return oc;
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static List<String> userTexts(Iterable<? extends SessionEvent> events) {
        return StreamSupport.stream(events.spliterator(), false)
                .filter(UserMessage.class::isInstance).map(e -> ((UserMessage) e).text()).toList();
    }

    /** Takes events from the stream until {@code done} says so, failing after 20 seconds. */
    private static List<SessionEvent> takeUntil(Iterator<SessionEvent> it, java.util.function.Predicate<List<SessionEvent>> done)
            throws Exception {
        var taken = new ArrayList<SessionEvent>();
        CompletableFuture.runAsync(() -> {
            while (!done.test(taken) && it.hasNext()) {
                taken.add(it.next());
            }
        }).get(20, TimeUnit.SECONDS);
        return taken;
    }

    @Test
    void aSessionNarrowsItsAgentsBudgetAndTheOwnerChangesItLater() {
        var created = client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name("sdk-budget").build());
        var oc = client(created.apiKey().key());
        var agent = oc.agents().create(CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5")
                .budget(new Budget(100_000L, new java.math.BigDecimal("2.50"), 3_600L)).build());
        assertThat(agent.budget()).isEqualTo(new Budget(100_000L, new java.math.BigDecimal("2.50"), 3_600L));
        assertThatThrownBy(() -> oc.sessions().create(CreateSessionRequest.builder().agent("coder").input("hi")
                .budget(Budget.tokens(200_000)).build()))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.errors()).anyMatch(err -> err.field().equals("budget.maxTokens")));

        StartedSession started = oc.sessions().create(CreateSessionRequest.builder().agent("coder").input("hi")
                .budget(Budget.tokens(50_000)).build());
        SessionBudget budget = oc.sessions().get(started.id()).budget();
        assertThat(budget.limits()).isEqualTo(new Budget(50_000L, new java.math.BigDecimal("2.50"), 3_600L));
        assertThat(budget.spent().tokens()).isZero();
        assertThat(budget.exhausted()).isNull();

        SessionBudget raised = oc.sessions().changeBudget(started.id(), Budget.costUsd("5"));
        assertThat(raised.limits()).isEqualTo(new Budget(50_000L, new java.math.BigDecimal("5"), 3_600L));
        assertThat(oc.sessions().budget(started.id())).isEqualTo(raised);
    }

    @Test
    void startsGetsAndListsSessionsAndAnswersAClientTokenForTheBrowser() {
        var oc = newTenantWithAgent("sdk-sessions");
        Instant before = Instant.now().minusSeconds(1);
        StartedSession started = oc.sessions().create(CreateSessionRequest.builder().agent("coder")
                .input("fix the build").putMetadata("ticket", "42").build());

        assertThat(started.id()).startsWith("ses_");
        assertThat(started.status()).isEqualTo("pending");
        assertThat(started.streamUrl()).isEqualTo("/v1/sessions/" + started.id() + "/stream");
        assertThat(started.clientToken()).isNotBlank();
        assertThat(started.clientTokenExpiresAt()).isAfter(Instant.now());
        assertThat(started.toString()).doesNotContain(started.clientToken());

        Session session = oc.sessions().get(started.id());
        assertThat(session.id()).isEqualTo(started.id());
        assertThat(session.agentVersion()).isEqualTo(1);
        assertThat(session.metadata()).isEqualTo(Map.of("ticket", "42"));
        assertThat(session.createdAt()).isAfter(before);
        assertThat(session.lastSeq()).isGreaterThanOrEqualTo(2);

        var second = oc.sessions().create(CreateSessionRequest.of("coder", "second"));
        var third = oc.sessions().create(CreateSessionRequest.of("coder", "third"));
        assertThat(oc.sessions().list(ListParams.limit(2)).stream().map(Session::id))
                .containsExactly(third.id(), second.id(), started.id());
        assertThat(oc.sessions().list("closed", ListParams.DEFAULT)).isEmpty();

        var stranger = newTenantWithAgent("sdk-sessions-stranger");
        assertThatThrownBy(() -> stranger.sessions().get(started.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> oc.sessions().create(CreateSessionRequest.of("no-such-agent", "hi")))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.errors()).anyMatch(err -> err.field().equals("agent")));
    }

    @Test
    void aRetriedCreateWithTheSameIdempotencyKeyStartsOneSession() {
        var oc = newTenantWithAgent("sdk-sessions-idem");
        var options = RequestOptions.builder().idempotencyKey("start-ticket-7").build();
        var first = oc.sessions().create(CreateSessionRequest.of("coder", "once"), options);
        var again = oc.sessions().create(CreateSessionRequest.of("coder", "once"), options);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(oc.sessions().list().toList()).hasSize(1);
    }

    @Test
    void messagesGetTheirSeqAndTheLogPagesInOrderWithoutGaps() {
        var oc = newTenantWithAgent("sdk-sessions-log");
        var started = oc.sessions().create(CreateSessionRequest.of("coder", "first"));
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            seqs.add(oc.sessions().sendMessage(started.id(), "m" + i));
        }
        assertThat(seqs).isSorted().doesNotHaveDuplicates().allMatch(seq -> seq > 2);

        EventPage page = oc.sessions().events(started.id(), 0, 3);
        assertThat(page.data()).extracting(e -> e.position().getAsLong()).containsExactly(1L, 2L, 3L);
        assertThat(page.data().getFirst()).isInstanceOfSatisfying(SessionStarted.class,
                e -> assertThat(e.agentVersion()).isEqualTo(1));
        assertThat(page.data().get(1)).isEqualTo(new UserMessage(2, started.id(), page.data().get(1).time(), "first"));
        assertThat(page.hasMore()).isTrue();
        assertThat(page.nextCursor()).isEqualTo(3);

        List<SessionEvent> all = new ArrayList<>();
        oc.sessions().allEvents(started.id()).forEach(all::add);
        assertThat(all).extracting(e -> e.position().getAsLong()).startsWith(1L, 2L, 3L)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, all.size()).boxed().toList());
        assertThat(userTexts(all)).containsExactly("first", "m1", "m2", "m3", "m4", "m5");
        assertThat(all).filteredOn(UserMessage.class::isInstance).extracting(e -> ((StoredEvent) e).seq())
                .endsWith(seqs.toArray(Long[]::new));
        assertThat(userTexts(oc.sessions().allEvents(started.id(), seqs.get(2)))).containsExactly("m4", "m5");

        EventPage end = oc.sessions().events(started.id(), all.size(), 10);
        assertThat(end.data()).isEmpty();
        assertThat(end.nextCursor()).isEqualTo(all.size());
        assertThat(end.hasMore()).isFalse();

        assertThatThrownBy(() -> oc.sessions().events("ses_000000000000000000000000", 0, 10))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void theStreamSendsTheLogThenLiveEventsAndResumesAfterAGivenSeq() throws Exception {
        var oc = newTenantWithAgent("sdk-sessions-stream");
        var started = oc.sessions().create(CreateSessionRequest.of("coder", "first"));

        try (EventStream<SessionEvent> stream = oc.sessions().stream(started.id())) {
            Iterator<SessionEvent> it = stream.iterator();
            var head = takeUntil(it, taken -> userTexts(taken).contains("first"));
            assertThat(head.getFirst()).isInstanceOf(SessionStarted.class);

            long seq = oc.sessions().sendMessage(started.id(), "live one");
            var live = takeUntil(it, taken -> userTexts(taken).contains("live one"));
            assertThat(live.getLast()).isInstanceOfSatisfying(UserMessage.class, m -> assertThat(m.seq()).isEqualTo(seq));
            assertThat(stream.lastEventId()).isEqualTo(Long.toString(seq));
        }

        long later = oc.sessions().sendMessage(started.id(), "after the first stream");
        try (EventStream<SessionEvent> resumed = oc.sessions().stream(started.id(), later - 1)) {
            var first = takeUntil(resumed.iterator(), taken -> !taken.isEmpty());
            assertThat(first).singleElement().isInstanceOfSatisfying(UserMessage.class, m -> {
                assertThat(m.seq()).isEqualTo(later);
                assertThat(m.text()).isEqualTo("after the first stream");
            });
        }
        assertThatThrownBy(() -> oc.sessions().stream(started.id(), 10_000)).isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> oc.sessions().stream("ses_000000000000000000000000"))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void aStreamWhoseConnectionBreaksReconnectsAndYieldsEveryEventOnce() throws Exception {
        var oc = newTenantWithAgent("sdk-sessions-cut");
        var started = oc.sessions().create(CreateSessionRequest.of("coder", "first"));
        var proxy = new CuttableProxy(port);
        open.add(proxy);
        var viaProxy = OpenComputer.builder().apiKey(keys.get(oc)).baseUrl(proxy.baseUrl()).build();
        open.add(viaProxy);

        try (EventStream<SessionEvent> stream = viaProxy.sessions().stream(started.id(), 0,
                EventStream.Options.DEFAULT.withReconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)))) {
            Iterator<SessionEvent> it = stream.iterator();
            var events = new ArrayList<>(takeUntil(it, taken -> userTexts(taken).contains("first")));

            proxy.cut();
            oc.sessions().sendMessage(started.id(), "while cut");
            proxy.cut();
            oc.sessions().sendMessage(started.id(), "after reconnect");
            events.addAll(takeUntil(it, taken -> userTexts(taken).contains("after reconnect")));

            assertThat(proxy.connections()).isGreaterThanOrEqualTo(2);
            assertThat(userTexts(events)).containsExactly("first", "while cut", "after reconnect");
            assertThat(events).extracting(e -> e.position().getAsLong()).doesNotHaveDuplicates().isSorted();
        }
    }

    @Test
    void aClientTokenReadsStreamsAndMessagesItsOwnSessionOnly() throws Exception {
        var oc = newTenantWithAgent("sdk-sessions-token");
        var started = oc.sessions().create(CreateSessionRequest.of("coder", "first"));
        var other = oc.sessions().create(CreateSessionRequest.of("coder", "other"));
        var browser = OpenComputer.builder().clientToken(started.clientToken()).baseUrl("http://localhost:" + port)
                .build();
        open.add(browser);

        assertThat(browser.sessions().get(started.id()).id()).isEqualTo(started.id());
        long seq = browser.sessions().sendMessage(started.id(), "from the browser");
        try (var stream = browser.sessions().stream(started.id(), seq - 1)) {
            assertThat(takeUntil(stream.iterator(), taken -> !taken.isEmpty())).singleElement()
                    .isInstanceOfSatisfying(UserMessage.class, m -> assertThat(m.text()).isEqualTo("from the browser"));
        }
        assertThat(userTexts(browser.sessions().allEvents(started.id()))).contains("first", "from the browser");

        assertThatThrownBy(() -> browser.sessions().get(other.id())).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> browser.sessions().sendMessage(other.id(), "x"))
                .isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> browser.sessions().list().firstPage()).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> browser.agents().list().firstPage()).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> browser.sessions().create(CreateSessionRequest.of("coder", "x")))
                .isInstanceOf(PermissionDeniedException.class);
    }
}
