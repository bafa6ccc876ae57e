package dev.opencomputer.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.modelserver.ModelScript;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.modelserver.ScriptedTurn;
import dev.opencomputer.server.sdk.CuttableProxy;
import dev.opencomputer.server.sessions.SessionApiITBase;
import dev.opencomputer.testing.Await;
import dev.opencomputer.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The console in a real headless Chromium against the whole application: the brain runs sessions in
 * real sandboxes, the real Anthropic SDK talks to the scripted model server, and the page watches
 * and steers them through the public API and its SSE stream. Screenshots of the session page are
 * kept under {@code target/console-screenshots/}.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class ConsoleBrowserIT extends SessionApiITBase {

    private static final TestDatabase DATABASE = TestDatabase.create();
    private static final ModelServer MODELS = ModelServer.start(ModelScript.of(ScriptedTurn.text("unused")));
    private static final Duration LONG = Duration.ofSeconds(90);
    private static final String XSS = "<img src=x onerror=alert(1)>";

    private Browser browser;

    @DynamicPropertySource
    static void brain(DynamicPropertyRegistry registry) {
        registerBrain(registry, DATABASE, MODELS);
    }

    @AfterAll
    static void stopModelServer() {
        MODELS.close();
    }

    @BeforeEach
    void openBrowser() {
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser(TestInfo test) throws Exception {
        browser.screenshot("last-" + test.getTestMethod().orElseThrow().getName());
        assertThat(browser.severeLogs()).as("script errors or CSP violations in the page")
                .noneMatch(line -> line.contains("Uncaught") || line.contains("Content Security Policy")
                        || line.contains("Refused to"));
        browser.close();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> startThroughApi(Setup setup, String input) {
        return as(setup.tenant().key()).post().uri("/v1/sessions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agent", "coder", "input", input)).exchange()
                .expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private long lastSeq(Setup setup, String sessionId) {
        Map<String, Object> session = as(setup.tenant().key()).get().uri("/v1/sessions/" + sessionId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) session.get("lastSeq")).longValue();
    }

    /** Writes the file the first command of the live test waits for, into the session's sandbox. */
    @SuppressWarnings("unchecked")
    private void letTheCommandEnd(Setup setup, String sessionId) {
        Map<String, Object> session = as(setup.tenant().key()).get().uri("/v1/sessions/" + sessionId).exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        as(setup.tenant().key()).put().uri("/v1/sandboxes/" + session.get("sandboxId") + "/files?path=/workspace/go")
                .contentType(MediaType.APPLICATION_OCTET_STREAM).bodyValue("go".getBytes())
                .exchange().expectStatus().isNoContent();
    }

    /** The seqs of the rows on the page: each stored event exactly once, none missing (a duplicate never passes). */
    private void assertEveryEventShownOnce(Setup setup, String sessionId) {
        List<Long> shown = Await.value(LONG, "the page shows every stored event exactly once",
                () -> browser.all("#timeline [data-seq]").stream().map(e -> Long.parseLong(e.getDomAttribute("data-seq")))
                        .sorted().toList(),
                seqs -> seqs.equals(LongStream.rangeClosed(1, lastSeq(setup, sessionId)).boxed().toList()));
        assertThat(shown).doesNotHaveDuplicates();
    }

    private String sessionIdFromUrl() {
        String url = Await.value(LONG, "the session page opens", () -> browser.driver().getCurrentUrl(),
                u -> u.matches(".*#/sessions/ses_[A-Za-z0-9_-]+$"));
        return url.substring(url.lastIndexOf('/') + 1);
    }

    @Test
    void signsInStartsASessionWatchesItLiveSteersItAndCancelsIt() throws Exception {
        MODELS.play(ModelScript.of(
                // runs until the test lets it end, so its output is seen while it runs however loaded the machine
                ScriptedTurn.text("Let me look around first.").withToolCall("bash",
                        "{\"command\":\"echo first-line; for i in $(seq 1200); do [ -e /workspace/go ] && break;"
                                + " sleep 0.1; done; echo second-line\"}"),
                ScriptedTurn.text("Understood, switching to python.").withToolCall("bash",
                        "{\"command\":\"sleep 60; echo never\"}"),
                ScriptedTurn.text("unused")));
        Setup setup = tenantWithKeyedAgent("console-live", "sk-ant-console");
        browser.signIn(base(), setup.tenant().key());
        assertThat(browser.text("#nav")).contains("Sessions", "Agents", "Cost");

        browser.choose("#start-agent", "coder");
        browser.type("#start-input", "look around the workspace");
        browser.click("#start");
        String sessionId = sessionIdFromUrl();

        browser.awaitText("#timeline .row.agent", "Let me look around first.");
        // the command's output appears while it still runs
        browser.awaitText("#timeline .row.command pre.output", "first-line");
        assertThat(browser.text("#timeline .row.command .status")).isEqualTo("running");
        assertThat(browser.text("#timeline .row.command pre.output")).doesNotContain("second-line");
        assertThat(browser.text("#stream-state")).isEqualTo("live");

        browser.choose("#config-mode", "plan");
        browser.awaitText("#notice", "mode plan");
        browser.choose("#config-mode", "auto");
        browser.awaitText("#notice", "mode auto");
        browser.type("#message-text", "use python instead");
        browser.click("#send");
        browser.awaitTexts("#timeline .row.user .text", texts -> texts.contains("use python instead"),
                "the steering message is in the timeline");
        assertThat(browser.text("#timeline .row.command .status")).isEqualTo("running");
        letTheCommandEnd(setup, sessionId);
        browser.awaitText("#timeline .row.command .status", "exit 0");
        browser.awaitText("#timeline .row.command pre.output", "second-line");
        browser.awaitTexts("#timeline .row.agent .text", texts -> texts.contains("Understood, switching to python."),
                "the answer to the steering message");
        browser.awaitTexts("#timeline .row.command .status", texts -> texts.size() == 2 && "running".equals(texts.get(1)),
                "the second command runs");
        browser.screenshot("session-running");

        browser.click("#cancel");
        browser.awaitTexts("#timeline .row.system", texts -> texts.stream().anyMatch(t -> t.contains("Cancelled: requested")),
                "the cancellation is in the timeline");
        browser.awaitText("#status", "idle"::equals, "the session is idle");
        browser.awaitText("#cost", text -> text.matches(".*tokens [1-9][0-9,]* in.*"), "the session's tokens are shown");
        assertEveryEventShownOnce(setup, sessionId);
        assertThat(MODELS.requests().stream().filter(r -> r.userTexts().contains("use python instead"))).hasSize(1);
        browser.screenshot("session-cancelled");

        // the list shows it with its status and agent name
        browser.click("#nav a[href='#/sessions']");
        browser.awaitText("#sessions-rows tr[data-session='" + sessionId + "']", "idle");
        assertThat(browser.text("#sessions-rows tr[data-session='" + sessionId + "']")).contains("coder");
        browser.choose("#filter-status", "running");
        browser.awaitText("#sessions-rows", "No sessions yet.");
        browser.choose("#filter-status", "idle");
        browser.awaitText("#sessions-rows", sessionId);
        browser.screenshot("sessions-list");

        // cost: the tenant's usage per day as an inline SVG chart, today's bar not empty
        browser.click("#nav a[href='#/cost']");
        browser.awaitText("#usage-totals", text -> text.matches(".*[1-9][0-9,]* input.*"), "the usage totals");
        String todayHeight = Await.value(LONG, "today's bar", () -> browser.all("#chart-tokens rect.bar").isEmpty() ? ""
                : browser.all("#chart-tokens rect.bar").getLast().getDomAttribute("height"), h -> !h.isEmpty());
        assertThat(Double.parseDouble(todayHeight)).isPositive();
        browser.screenshot("cost");

        // sign out forgets the key
        browser.click("#signout");
        browser.await("#api-key");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void resumesAfterTheServerDropsTheStreamWithoutDuplicateRows() throws Exception {
        MODELS.play(ModelScript.of(
                ScriptedTurn.toolCall("bash", "{\"command\":\"echo before-cut; sleep 5; echo after-cut\"}"),
                ScriptedTurn.text("Finished after the cut.")));
        Setup setup = tenantWithKeyedAgent("console-cut", "sk-ant-console");
        try (CuttableProxy proxy = new CuttableProxy(port)) {
            browser.signIn(proxy.baseUrl(), setup.tenant().key());
            String sessionId = (String) startThroughApi(setup, "survive a cut").get("id");
            browser.open(proxy.baseUrl() + "/console/#/sessions/" + sessionId);
            browser.awaitText("#timeline .row.command pre.output", "before-cut");
            browser.awaitText("#stream-state", "live"::equals, "the stream is live");
            int before = proxy.connections();
            proxy.cut();
            browser.awaitText("#stream-state", "reconnecting…"::equals, "the page says it is reconnecting");
            browser.screenshot("session-reconnecting");
            browser.awaitText("#stream-state", "live"::equals, "the stream is live again");
            assertThat(proxy.connections()).isGreaterThan(before);
            browser.awaitTexts("#timeline .row.agent .text", texts -> texts.contains("Finished after the cut."),
                    "the events after the cut arrive");
            browser.awaitText("#timeline .row.command pre.output", "after-cut");
            browser.awaitText("#status", "idle"::equals, "the session is idle");
            assertEveryEventShownOnce(setup, sessionId);
        }
    }

    @Test
    void aWatchLinkWorksWithOnlyItsClientTokenAndNothingElse(CapturedOutput output) throws Exception {
        MODELS.play(ModelScript.of(ScriptedTurn.text("Hello, watcher."), ScriptedTurn.text("Thanks for the note.")));
        Setup setup = tenantWithKeyedAgent("console-watch", "sk-ant-console");
        Map<String, Object> session = startThroughApi(setup, "greet the watcher");
        String id = (String) session.get("id");
        String token = (String) session.get("clientToken");
        String other = (String) startThroughApi(setup, "another session").get("id");

        browser.open(base() + "/console/watch/" + id + "#token=" + token);
        browser.awaitTexts("#timeline .row.agent .text", texts -> texts.contains("Hello, watcher."), "the agent's message");
        browser.awaitText("#status", "idle"::equals, "the session is idle");
        // only what a client token may do: no navigation, no agents, no close/destroy, no file reading
        assertThat(browser.all("#nav a")).isEmpty();
        assertThat(browser.all("#start-agent")).isEmpty();
        assertThat(browser.all("#destroy")).isEmpty();
        assertThat(browser.all("#close")).isEmpty();
        assertThat(browser.text("main")).doesNotContain("Agents").doesNotContain("coder (");
        browser.type("#message-text", "a note from the browser");
        browser.click("#send");
        browser.awaitTexts("#timeline .row.user .text", texts -> texts.contains("a note from the browser"),
                "the watcher's message");
        browser.awaitTexts("#timeline .row.agent .text", texts -> texts.contains("Thanks for the note."), "the answer");
        browser.screenshot("watch-link");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);

        browser.open(base() + "/console/watch/" + other + "#token=" + token);
        browser.awaitText("#page-error", text -> text.contains("scoped to another session"), "another session is forbidden");

        browser.open(base() + "/console/watch/" + id);
        browser.awaitText("#page-error", "has no token");
        // the token rode only in the fragment and the stream's query string: no log line has it
        assertThat(output.getAll()).doesNotContain(token);
    }

    @Test
    void whatASessionPrintsAndTheFilesItWritesAreShownAsText() throws Exception {
        String script = "echo '" + XSS + "'; sleep 6";
        MODELS.play(ModelScript.of(
                ScriptedTurn.text("Trying " + XSS).withToolCall("bash",
                        "{\"command\":\"" + script.replace("\"", "\\\"") + "\"}"),
                ScriptedTurn.toolCall("write_file", "{\"path\":\"" + XSS + ".txt\",\"content\":\"" + XSS + "\\n\"}"),
                ScriptedTurn.text("Done.")));
        Setup setup = tenantWithKeyedAgent("console-xss", "sk-ant-console");
        String id = (String) startThroughApi(setup, "print some html").get("id");
        browser.signIn(base(), setup.tenant().key());
        // the list follows the session's status without a reload
        String row = "#sessions-rows tr[data-session='" + id + "']";
        browser.awaitText(row, "running");
        browser.awaitText(row, "idle");
        browser.open(base() + "/console/#/sessions/" + id);
        browser.awaitText("#timeline .row.command pre.output", XSS);
        assertThat(browser.text("#timeline .row.command .status")).isEqualTo("exit 0");
        browser.awaitText("#timeline .row.file button.file", XSS + ".txt");
        browser.awaitText("#status", "idle"::equals, "the session is idle");
        browser.click("#timeline .row.file button.file");
        browser.awaitText("#file-content", XSS);
        assertThat(browser.text("#file-path")).isEqualTo("/workspace/" + XSS + ".txt");
        assertThat(browser.text("#timeline .row.agent .text")).isEqualTo("Trying " + XSS);
        assertThat(browser.all("main img")).isEmpty();
        assertThat(browser.dialogOpen()).isFalse();
        browser.screenshot("session-xss-as-text");
    }

    @Test
    void managesAgentsWithVersionsAndExplainsEveryFailure() throws Exception {
        Setup setup = tenantWithKeyedAgent("console-agents", "sk-ant-console");
        browser.signIn(base(), setup.tenant().key());
        browser.click("#nav a[href='#/agents']");
        browser.awaitText("#agents-rows", "coder");

        browser.type("#agent-name", "bad name!");
        browser.type("#agent-model", "claude-sonnet-4-5");
        browser.click("#agent-save");
        browser.awaitText("#notice", "name");
        assertThat(browser.text("#notice")).doesNotContain("Exception").doesNotContain("at dev.");

        browser.type("#agent-name", "reviewer");
        browser.type("#agent-prompt", "You review code.");
        browser.click("#agent-save");
        Await.until(LONG, "the new agent's page", () -> browser.driver().getCurrentUrl().contains("#/agents/agt_"));
        browser.awaitText("#versions", "1");
        browser.type("#agent-model", "claude-opus-4-1");
        browser.click("#agent-save");
        browser.awaitText("#notice", "version 2");
        browser.awaitTexts("#versions tbody tr", rows -> rows.size() == 2 && rows.getFirst().contains("claude-opus-4-1"),
                "both versions, newest first");
        browser.screenshot("agent-versions");

        browser.click("#agent-delete");
        browser.click("#confirm-yes");
        Await.until(LONG, "back on the list", () -> browser.driver().getCurrentUrl().endsWith("#/agents"));
        browser.awaitText("#agents-rows", text -> text.contains("coder") && !text.contains("reviewer"),
                "the agent is gone");

        // sections the server does not have are not offered
        int webhooks = anonymous().get().uri("/v1/webhook-endpoints").header("Authorization", "Bearer " + setup.tenant().key())
                .exchange().returnResult(String.class).getStatus().value();
        Await.until(LONG, "the navigation is complete", () -> browser.text("#nav").contains("Sign out"));
        if (webhooks == 404) {
            assertThat(browser.text("#nav")).doesNotContain("Webhooks");
        } else {
            browser.awaitText("#nav", "Webhooks");
        }

        // a key that stops working sends the user back to sign in, saying why
        browser.script("sessionStorage.setItem('opencomputer.apiKey', 'oc_bogus_notakey')");
        browser.driver().navigate().refresh();
        browser.awaitText("#signin-error", "not accepted");
        assertThat(browser.all("#nav a")).allMatch(a -> !a.isDisplayed());
    }
}
