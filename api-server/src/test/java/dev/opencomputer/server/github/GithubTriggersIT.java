package dev.opencomputer.server.github;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * GitHub triggers through the real API and database: signed deliveries to the inbound hook start
 * sessions (with a real sandbox on the engine), comments steer them, and everything unsigned,
 * tampered, unrelated or malformed is refused or ignored without a session.
 */
class GithubTriggersIT extends ApiITBase {

    private static final String PROBLEMS = "https://opencomputer.dev/problems/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Trigger(TestTenant tenant, String id, String secret, String agentId) {
    }

    @SuppressWarnings("unchecked")
    private Trigger trigger(String tenantName) {
        TestTenant tenant = newTenant(tenantName);
        putSecret(tenant, "repo-token", "ghp_canary_" + UUID.randomUUID());
        String agentId = (String) as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "fixer", "model", "claude-sonnet-4-5")).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("id");
        Map<String, Object> created = as(tenant.key()).post().uri("/v1/github/triggers")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("repository", "acme/app", "label", "opencomputer", "agent", "fixer",
                        "credential", "repo-token"))
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return new Trigger(tenant, (String) created.get("id"), (String) created.get("webhookSecret"), agentId);
    }

    private static Map<String, Object> labeled(String repository, String label, long number) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("action", "labeled");
        payload.put("repository", Map.of("full_name", repository));
        payload.put("label", Map.of("name", label));
        payload.put("issue", Map.of("number", number, "title", "Fix the greeting",
                "body", "hello.sh prints the wrong text", "html_url", "https://github.com/" + repository + "/issues/" + number));
        return payload;
    }

    private static Map<String, Object> comment(long number, String text, String association, String userType) {
        return Map.of("action", "created", "repository", Map.of("full_name", "acme/app"),
                "issue", Map.of("number", number, "title", "Fix the greeting"),
                "comment", Map.of("body", text, "author_association", association,
                        "user", Map.of("login", "octocat", "type", userType)));
    }

    private static byte[] bytes(Object payload) {
        return JSON.writeValueAsBytes(payload);
    }

    private WebTestClient.ResponseSpec deliver(Trigger trigger, String event, String delivery, byte[] body,
            String signature) {
        var request = anonymous().post().uri("/v1/github/hooks/" + trigger.id()).contentType(MediaType.APPLICATION_JSON)
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", delivery);
        if (signature != null) {
            request = request.header("X-Hub-Signature-256", signature);
        }
        return request.bodyValue(body).exchange();
    }

    private WebTestClient.ResponseSpec deliver(Trigger trigger, String event, String delivery, Object payload) {
        byte[] body = bytes(payload);
        return deliver(trigger, event, delivery, body, HubSignature.sign(HubSignature.utf8(trigger.secret()), body));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> sessions(Trigger trigger) {
        return (List<Map<String, Object>>) as(trigger.tenant().key()).get().uri("/v1/sessions").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody().get("data");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(Trigger trigger, String sessionId) {
        return (List<Map<String, Object>>) as(trigger.tenant().key()).get()
                .uri("/v1/sessions/" + sessionId + "/events").exchange().expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody().get("data");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTriggerIsCreatedWithItsHookSecretShownOnceAndKeptInTheSecretStore() {
        Trigger trigger = trigger("gh-create");
        assertThat(trigger.id()).startsWith("ght_");
        assertThat(trigger.secret()).hasSize(64);
        Map<String, Object> shown = as(trigger.tenant().key()).get().uri("/v1/github/triggers/" + trigger.id())
                .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(shown).containsEntry("repository", "acme/app").containsEntry("label", "opencomputer")
                .containsEntry("agentId", trigger.agentId()).containsEntry("credential", "repo-token")
                .containsEntry("branchPrefix", "opencomputer/").containsEntry("disabled", false)
                .containsEntry("webhookUrl", "/v1/github/hooks/" + trigger.id())
                .containsEntry("steeringAssociations", List.of("OWNER", "MEMBER", "COLLABORATOR"))
                .doesNotContainKey("webhookSecret");
        String listed = as(trigger.tenant().key()).get().uri("/v1/github/triggers").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(listed).contains(trigger.id()).doesNotContain(trigger.secret());
        as(trigger.tenant().key()).get().uri("/v1/secrets/github.trigger." + trigger.id()).exchange()
                .expectStatus().isOk().expectBody(String.class)
                .value(body -> assertThat(body).doesNotContain(trigger.secret()));

        as(trigger.tenant().key()).patch().uri("/v1/github/triggers/" + trigger.id())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "agent", "ref", "develop"))
                .exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.label").isEqualTo("agent").jsonPath("$.ref").isEqualTo("develop")
                .jsonPath("$.repository").isEqualTo("acme/app").jsonPath("$.webhookSecret").doesNotExist();
        as(trigger.tenant().key()).patch().uri("/v1/github/triggers/" + trigger.id())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("lable", "typo")).exchange()
                .expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("lable");

        as(trigger.tenant().key()).delete().uri("/v1/github/triggers/" + trigger.id()).exchange()
                .expectStatus().isNoContent();
        as(trigger.tenant().key()).get().uri("/v1/github/triggers/" + trigger.id()).exchange()
                .expectStatus().isNotFound();
        as(trigger.tenant().key()).get().uri("/v1/secrets/github.trigger." + trigger.id()).exchange()
                .expectStatus().isNotFound();
        deliver(trigger, "ping", "d-gone", Map.of("zen", "Keep it logically awesome."))
                .expectStatus().isNotFound();
    }

    @Test
    void invalidTriggersAreRefusedNamingEachField() {
        TestTenant tenant = newTenant("gh-invalid");
        as(tenant.key()).post().uri("/v1/github/triggers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("repository", "not a repo", "branchPrefix", "../x",
                        "steeringAssociations", List.of("ANYONE")))
                .exchange().expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.type").isEqualTo(PROBLEMS + "validation-failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat((List<String>) fields)
                        .contains("repository", "label", "agent", "credential", "branchPrefix", "steeringAssociations"));
        as(tenant.key()).post().uri("/v1/github/triggers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("repository", "acme/app", "label", "x", "agent", "nobody", "credential", "none"))
                .exchange().expectStatus().isEqualTo(422).expectBody().jsonPath("$.errors[0].field").isEqualTo("agent");
        as(tenant.key()).post().uri("/v1/agents").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "fixer", "model", "claude-sonnet-4-5")).exchange().expectStatus().isCreated();
        as(tenant.key()).post().uri("/v1/github/triggers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("repository", "acme/app", "label", "x", "agent", "fixer", "credential", "none"))
                .exchange().expectStatus().isEqualTo(422).expectBody()
                .jsonPath("$.type").isEqualTo(PROBLEMS + "unknown-secret");
        as(tenant.key()).post().uri("/v1/github/triggers").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"repository\": ").exchange().expectStatus().isBadRequest().expectBody()
                .jsonPath("$.type").isEqualTo(PROBLEMS + "malformed-request-body");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSignedLabelledIssueStartsOneSessionHoweverOftenItIsDelivered() {
        Trigger trigger = trigger("gh-label");
        String delivery = UUID.randomUUID().toString();
        Map<String, Object> first = deliver(trigger, "issues", delivery, labeled("acme/app", "opencomputer", 7))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(first).containsEntry("result", "started").containsEntry("delivery", delivery);
        String sessionId = (String) first.get("sessionId");

        Map<String, Object> again = deliver(trigger, "issues", delivery, labeled("acme/app", "opencomputer", 7))
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        assertThat(again).containsEntry("result", "duplicate").containsEntry("sessionId", sessionId);
        assertThat(sessions(trigger)).hasSize(1).first().satisfies(session -> {
            assertThat(session).containsEntry("id", sessionId).containsEntry("agentId", trigger.agentId());
            assertThat((Map<String, Object>) session.get("metadata")).containsEntry("github.repository", "acme/app")
                    .containsEntry("github.issue", "7").containsEntry("github.delivery", delivery)
                    .containsEntry("github.trigger", trigger.id()).containsEntry("github.credential", "repo-token")
                    .containsEntry("github.branch-prefix", "opencomputer/").doesNotContainKey("github.ref");
        });
        assertThat(events(trigger, sessionId)).extracting(e -> e.get("type"))
                .containsExactly("session.started", "user.message");
        assertThat(events(trigger, sessionId).get(1).get("data")).isEqualTo(Map.of("text",
                "GitHub issue #7 in acme/app: Fix the greeting\nhttps://github.com/acme/app/issues/7\n\n"
                        + "hello.sh prints the wrong text\n\nThe repository is checked out at /workspace/app. "
                        + "Commit your changes there with git, then call open_pull_request."));
    }

    @Test
    void aMissingWrongOrTamperedSignatureIsRefusedBeforeAnythingHappens() {
        Trigger trigger = trigger("gh-signature");
        byte[] body = bytes(labeled("acme/app", "opencomputer", 8));
        String good = HubSignature.sign(HubSignature.utf8(trigger.secret()), body);
        byte[] tampered = body.clone();
        tampered[tampered.length - 2] ^= 1;
        for (var attempt : List.of(
                Map.entry(body, "none"),
                Map.entry(body, HubSignature.sign(HubSignature.utf8("not the secret"), body)),
                Map.entry(tampered, good),
                Map.entry(body, "sha256=xyz"),
                Map.entry(body, good.substring(0, good.length() - 1)))) {
            deliver(trigger, "issues", UUID.randomUUID().toString(), attempt.getKey(),
                    attempt.getValue().equals("none") ? null : attempt.getValue())
                    .expectStatus().isUnauthorized().expectHeader().contentType("application/problem+json")
                    .expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "signature-invalid");
        }
        assertThat(sessions(trigger)).isEmpty();
    }

    @Test
    void unrelatedDeliveriesAreIgnoredAndSaySo() {
        Trigger trigger = trigger("gh-ignore");
        deliver(trigger, "ping", "d-ping", Map.of("zen", "Design for failure.")).expectStatus().isOk()
                .expectBody().jsonPath("$.result").isEqualTo("pong");
        Map<String, Object> unlabeled = new HashMap<>(labeled("acme/app", "opencomputer", 9));
        unlabeled.put("action", "unlabeled");
        for (var delivery : List.of(
                Map.entry("issues", unlabeled),
                Map.entry("issues", labeled("acme/app", "bug", 9)),
                Map.entry("issues", labeled("acme/other", "opencomputer", 9)),
                Map.entry("push", Map.of("ref", "refs/heads/main")),
                Map.entry("issues", Map.of("action", "labeled", "repository", Map.of("full_name", "acme/app"),
                        "issue", Map.of("number", 9))),
                Map.entry("issues", Map.of("action", 3, "repository", "acme/app", "issue", List.of(1))),
                Map.entry("issues", Map.of("action", "labeled", "repository", Map.of("full_name", "acme/app"),
                        "issue", Map.of("number", "nine"), "label", Map.of("name", 5))))) {
            deliver(trigger, delivery.getKey(), UUID.randomUUID().toString(), delivery.getValue())
                    .expectStatus().isAccepted().expectBody()
                    .jsonPath("$.result").isEqualTo("ignored").jsonPath("$.reason").isNotEmpty();
        }
        byte[] array = "[1, 2]".getBytes(StandardCharsets.UTF_8);
        deliver(trigger, "issues", "d-array", array, HubSignature.sign(HubSignature.utf8(trigger.secret()), array))
                .expectStatus().isAccepted();
        byte[] broken = "{\"action\": ".getBytes(StandardCharsets.UTF_8);
        deliver(trigger, "issues", "d-broken", broken, HubSignature.sign(HubSignature.utf8(trigger.secret()), broken))
                .expectStatus().isBadRequest().expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "malformed-request-body");
        byte[] huge = bytes(Map.of("action", "labeled", "padding", "x".repeat(2 * 1024 * 1024)));
        deliver(trigger, "issues", "d-huge", huge, HubSignature.sign(HubSignature.utf8(trigger.secret()), huge))
                .expectStatus().isEqualTo(413).expectBody().jsonPath("$.type").isEqualTo(PROBLEMS + "payload-too-large");
        assertThat(sessions(trigger)).isEmpty();

        as(trigger.tenant().key()).patch().uri("/v1/github/triggers/" + trigger.id())
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("disabled", true)).exchange()
                .expectStatus().isOk();
        deliver(trigger, "issues", "d-disabled", labeled("acme/app", "opencomputer", 9)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.reason").isEqualTo("the trigger is disabled");
        assertThat(sessions(trigger)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aCollaboratorsCommentSteersTheIssuesSessionAndOthersDoNot() {
        Trigger trigger = trigger("gh-steer");
        deliver(trigger, "issue_comment", "c-early", comment(11, "too early", "OWNER", "User"))
                .expectStatus().isAccepted().expectBody().jsonPath("$.result").isEqualTo("ignored");
        String sessionId = (String) deliver(trigger, "issues", "l-11", labeled("acme/app", "opencomputer", 11))
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody().get("sessionId");

        deliver(trigger, "issue_comment", "c-1", comment(11, "also bump the changelog", "COLLABORATOR", "User"))
                .expectStatus().isOk().expectBody().jsonPath("$.result").isEqualTo("steered")
                .jsonPath("$.sessionId").isEqualTo(sessionId);
        deliver(trigger, "issue_comment", "c-1", comment(11, "also bump the changelog", "COLLABORATOR", "User"))
                .expectStatus().isOk().expectBody().jsonPath("$.result").isEqualTo("duplicate");
        deliver(trigger, "issue_comment", "c-2", comment(11, "do something else", "NONE", "User"))
                .expectStatus().isAccepted().expectBody().jsonPath("$.result").isEqualTo("ignored");
        deliver(trigger, "issue_comment", "c-3", comment(11, "I am a bot", "OWNER", "Bot"))
                .expectStatus().isAccepted();
        deliver(trigger, "issue_comment", "c-4", comment(11, "PR opened " + GithubHooks.OWN_COMMENT_MARKER, "OWNER",
                "User")).expectStatus().isAccepted();
        deliver(trigger, "issue_comment", "c-5", comment(12, "other issue", "OWNER", "User"))
                .expectStatus().isAccepted();

        List<Map<String, Object>> messages = events(trigger, sessionId).stream()
                .filter(e -> e.get("type").equals("user.message")).toList();
        assertThat(messages).hasSize(2);
        assertThat((Map<String, Object>) messages.get(1).get("data"))
                .containsEntry("text", "@octocat commented on #11:\n\nalso bump the changelog");

        as(trigger.tenant().key()).post().uri("/v1/sessions/" + sessionId + "/close").exchange()
                .expectStatus().isOk();
        deliver(trigger, "issue_comment", "c-6", comment(11, "after close", "OWNER", "User"))
                .expectStatus().isAccepted().expectBody().jsonPath("$.result").isEqualTo("ignored");
    }

    @Test
    void anotherTenantsTriggerIsNotFoundOnEveryRoute() {
        Trigger mine = trigger("gh-mine");
        TestTenant other = newTenant("gh-other");
        String path = "/v1/github/triggers/" + mine.id();
        as(other.key()).get().uri(path).exchange().expectStatus().isNotFound();
        as(other.key()).patch().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("label", "x"))
                .exchange().expectStatus().isNotFound();
        as(other.key()).delete().uri(path).exchange().expectStatus().isNotFound();
        as(other.key()).get().uri("/v1/github/triggers").exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.data.length()").isEqualTo(0);
        as(other.key()).get().uri("/v1/github/triggers/ght_nope").exchange().expectStatus().isNotFound();
        anonymous().get().uri("/v1/github/triggers").exchange().expectStatus().isUnauthorized();
        as(mine.tenant().key()).get().uri(path).exchange().expectStatus().isOk();
    }
}
