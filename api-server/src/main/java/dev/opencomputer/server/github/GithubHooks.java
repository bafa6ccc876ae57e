package dev.opencomputer.server.github;

import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.server.github.GithubTriggers.Found;
import dev.opencomputer.server.problems.MalformedRequestBodyException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.server.problems.SignatureInvalidException;
import dev.opencomputer.server.sessions.PostMessage;
import dev.opencomputer.server.sessions.SessionView;
import dev.opencomputer.server.sessions.Sessions;
import dev.opencomputer.server.sessions.StartSession;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The inbound GitHub hook: checks the signature over the raw bytes, then turns a labelled issue
 * into a session and a collaborator's comment into a steering message, each delivery once. A
 * session that takes long to start (a slow engine) is left to finish in the background, so GitHub
 * gets its answer within {@link #START_WAIT}.
 */
@Component
class GithubHooks implements DisposableBean {

    static final Duration START_WAIT = Duration.ofSeconds(5);
    /** A start still recorded as under way after this long was cut short by a crash. */
    static final Duration STALE_START = Duration.ofMinutes(2);
    /** Comments the platform itself writes carry this marker and never steer a session. */
    static final String OWN_COMMENT_MARKER = "<!-- opencomputer -->";
    private static final Logger log = LoggerFactory.getLogger(GithubHooks.class);

    private final GithubTriggers triggers;
    private final SecretStore secrets;
    private final Sessions sessions;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final ExecutorService starts = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("github-session-start-", 0).factory());

    GithubHooks(GithubTriggers triggers, SecretStore secrets, Sessions sessions, JdbcClient jdbc, JsonMapper json,
            Clock clock) {
        this.triggers = triggers;
        this.secrets = secrets;
        this.sessions = sessions;
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Handles one delivery to the trigger's hook.
     *
     * @throws ResourceNotFoundException  when there is no such trigger
     * @throws SignatureInvalidException     when the signature is missing, malformed or wrong
     */
    HookOutcome receive(String triggerId, String signature, String event, String delivery, byte[] body) {
        Found found = triggers.findForHook(triggerId)
                .orElseThrow(() -> new ResourceNotFoundException("GitHub trigger", triggerId));
        verify(found, signature, body);
        if (delivery == null || delivery.isBlank() || delivery.length() > 100) {
            throw new MalformedRequestBodyException("the X-GitHub-Delivery header is required (at most 100 characters)");
        }
        if (event == null || event.isBlank()) {
            throw new MalformedRequestBodyException("the X-GitHub-Event header is required");
        }
        if (event.equals("ping")) {
            return new HookOutcome(delivery, "pong", null, null);
        }
        GithubTrigger trigger = found.trigger();
        if (trigger.disabled()) {
            return HookOutcome.ignored(delivery, "the trigger is disabled");
        }
        if (!event.equals("issues") && !event.equals("issue_comment")) {
            return HookOutcome.ignored(delivery, "event " + event + " does not start or steer sessions");
        }
        Optional<IssueEvent> parsed = IssueEvent.of(parse(body));
        if (parsed.isEmpty()) {
            return HookOutcome.ignored(delivery, "the payload has no action, repository or issue number");
        }
        IssueEvent issue = parsed.get();
        if (!issue.repository().equalsIgnoreCase(trigger.repository())) {
            return HookOutcome.ignored(delivery, "repository " + issue.repository() + " is not the trigger's");
        }
        return event.equals("issues")
                ? labelled(found.tenant(), trigger, delivery, issue)
                : commented(found.tenant(), trigger, delivery, issue);
    }

    private HookOutcome labelled(TenantId tenant, GithubTrigger trigger, String delivery, IssueEvent issue) {
        if (!issue.action().equals("labeled")) {
            return HookOutcome.ignored(delivery, "issues action " + issue.action() + " does not start sessions");
        }
        if (!trigger.label().equals(issue.label())) {
            return HookOutcome.ignored(delivery, "label " + (issue.label() == null ? "(none)" : issue.label())
                    + " is not the trigger's label");
        }
        Optional<HookOutcome> earlier = claim(trigger, delivery, "issues", issue.number(), "starting");
        if (earlier.isPresent()) {
            return earlier.get();
        }
        Map<String, String> metadata = new java.util.HashMap<>(Map.of("github.repository", trigger.repository(),
                "github.issue", Long.toString(issue.number()), "github.delivery", delivery,
                "github.trigger", trigger.id(), "github.credential", trigger.credential(),
                "github.branch-prefix", trigger.branchPrefix()));
        if (trigger.ref() != null) {
            metadata.put("github.ref", trigger.ref());
        }
        StartSession start = new StartSession(trigger.agentId(), InputTemplate.render(trigger.inputTemplate(), issue),
                null, null, null, null, metadata);
        CompletableFuture<SessionView> started = CompletableFuture.supplyAsync(() -> sessions.start(tenant, start), starts)
                .whenComplete((session, failure) -> record(trigger, delivery, session, failure));
        try {
            SessionView session = started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return new HookOutcome(delivery, "started", session.id(), null);
        } catch (TimeoutException e) {
            return new HookOutcome(delivery, "starting", null, "the session is still being set up");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new HookOutcome(delivery, "starting", null, "the session is still being set up");
        }
    }

    private HookOutcome commented(TenantId tenant, GithubTrigger trigger, String delivery, IssueEvent issue) {
        if (!issue.action().equals("created") || issue.commentBody() == null || issue.commentBody().isBlank()) {
            return HookOutcome.ignored(delivery, "only new, non-empty comments steer a session");
        }
        if ("Bot".equals(issue.commenterType()) || issue.commentBody().contains(OWN_COMMENT_MARKER)) {
            return HookOutcome.ignored(delivery, "comments by bots do not steer sessions");
        }
        if (issue.association() == null || !trigger.steeringAssociations().contains(issue.association())) {
            return HookOutcome.ignored(delivery, "commenters with association "
                    + (issue.association() == null ? "(none)" : issue.association()) + " may not steer");
        }
        Optional<SessionView> live = liveSession(tenant, trigger, issue.number());
        if (live.isEmpty()) {
            return HookOutcome.ignored(delivery, "issue #" + issue.number() + " has no live session of this trigger");
        }
        Optional<HookOutcome> earlier = claim(trigger, delivery, "issue_comment", issue.number(), "steered");
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String sessionId = live.get().id();
        jdbc.sql("update github_deliveries set session_id = ? where trigger_id = ? and delivery_id = ?")
                .params(sessionId, trigger.id(), delivery).update();
        String text = "@" + (issue.commenter() == null ? "someone" : issue.commenter()) + " commented on #"
                + issue.number() + ":\n\n" + issue.commentBody();
        sessions.postMessage(tenant, SessionId.parse(sessionId), new PostMessage(text));
        return new HookOutcome(delivery, "steered", sessionId, null);
    }

    /**
     * Records the delivery; when GitHub sent it before, answers with what was done then. A delivery
     * whose session failed to start, or was left half-started by a crash, may be sent again.
     */
    private Optional<HookOutcome> claim(GithubTrigger trigger, String delivery, String event, long issue, String outcome) {
        var now = clock.instant();
        int inserted = jdbc.sql("""
                insert into github_deliveries (trigger_id, delivery_id, event, issue, outcome, received_at)
                values (?, ?, ?, ?, ?, ?)
                on conflict (trigger_id, delivery_id) do update
                   set outcome = excluded.outcome, received_at = excluded.received_at
                 where github_deliveries.outcome = 'failed'
                    or (github_deliveries.outcome = 'starting' and github_deliveries.received_at < ?)""")
                .params(trigger.id(), delivery, event, issue, outcome, Timestamp.from(now),
                        Timestamp.from(now.minus(STALE_START))).update();
        if (inserted == 1) {
            return Optional.empty();
        }
        return jdbc.sql("select outcome, session_id from github_deliveries where trigger_id = ? and delivery_id = ?")
                .params(trigger.id(), delivery)
                .query((rs, n) -> new HookOutcome(delivery, "duplicate", rs.getString("session_id"),
                        "delivery already received (" + rs.getString("outcome") + ")"))
                .optional();
    }

    private void record(GithubTrigger trigger, String delivery, SessionView session, Throwable failure) {
        if (failure != null) {
            log.warn("GitHub delivery {} of trigger {}: the session did not start ({})", delivery, trigger.id(),
                    failure.getClass().getSimpleName());
        }
        jdbc.sql("update github_deliveries set outcome = ?, session_id = ? where trigger_id = ? and delivery_id = ?")
                .params(failure == null ? "started" : "failed", session == null ? null : session.id(), trigger.id(),
                        delivery)
                .update();
    }

    private Optional<SessionView> liveSession(TenantId tenant, GithubTrigger trigger, long issue) {
        return jdbc.sql("""
                select session_id from github_deliveries
                 where trigger_id = ? and issue = ? and event = 'issues' and session_id is not null
                 order by received_at desc limit 1""")
                .params(trigger.id(), issue).query(String.class).optional()
                .map(id -> sessions.find(tenant, SessionId.parse(id)))
                .filter(session -> !"closed".equals(session.status()));
    }

    private void verify(Found found, String signature, byte[] body) {
        SecretValue secret;
        try {
            secret = secrets.reveal(found.tenant().value(), GithubTriggers.secretName(found.trigger().id()),
                    "github-hook " + found.trigger().id());
        } catch (SecretNotFoundException e) {
            throw new SignatureInvalidException("the trigger's hook secret is gone; create the trigger again");
        }
        byte[] key = secret.bytes();
        try {
            if (!HubSignature.matches(signature, key, body)) {
                throw new SignatureInvalidException(signature == null
                        ? "the X-Hub-Signature-256 header is missing"
                        : "the X-Hub-Signature-256 header does not match the body");
            }
        } finally {
            Arrays.fill(key, (byte) 0);
            secret.destroy();
        }
    }

    private JsonNode parse(byte[] body) {
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedRequestBodyException("the payload is not valid JSON");
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        starts.shutdown();
        starts.awaitTermination(10, TimeUnit.SECONDS);
    }
}
