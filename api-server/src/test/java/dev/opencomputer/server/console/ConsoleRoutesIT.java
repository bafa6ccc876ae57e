package dev.opencomputer.server.console;

import dev.opencomputer.server.ApiITBase;
import org.junit.jupiter.api.Test;

/** The console's files and their security headers, over plain HTTP. */
class ConsoleRoutesIT extends ApiITBase {

    private static final String POLICY = "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'";

    @Test
    void theConsolePageIsServedWithAStrictPolicyAndMayNotBeFramed() {
        anonymous().get().uri("/console/").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/html")
                .expectHeader().valueEquals("Content-Security-Policy", POLICY + "; frame-ancestors 'none'")
                .expectHeader().valueEquals("X-Frame-Options", "DENY")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectBody(String.class).value(html -> org.assertj.core.api.Assertions.assertThat(html)
                        .contains("<script type=\"module\" src=\"/console/js/app.js\"></script>")
                        .doesNotContainPattern("<script>|<script [^>]*>[^<]+</script>|\\son[a-z]+=|style="));
    }

    @Test
    void aWatchPageMayBeEmbeddedAndIsTheSamePage() {
        anonymous().get().uri("/console/watch/ses_0123").exchange().expectStatus().isOk()
                .expectHeader().valueEquals("Content-Security-Policy", POLICY + "; frame-ancestors *")
                .expectHeader().doesNotExist("X-Frame-Options")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectBody(String.class).value(html -> org.assertj.core.api.Assertions.assertThat(html)
                        .contains("/console/js/app.js"));
    }

    @Test
    void scriptsAndStylesAreServedWithTheirTypesAndTheBarePathRedirects() {
        anonymous().get().uri("/console/js/app.js").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/javascript")
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff");
        anonymous().get().uri("/console/console.css").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/css");
        anonymous().get().uri("/console").exchange().expectStatus().isPermanentRedirect()
                .expectHeader().location("/console/");
    }

    @Test
    void aMissingFileIsAProblemNotAPage() {
        anonymous().get().uri("/console/js/nope.js").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith("application/problem+json");
        anonymous().get().uri("/console/../application.yml").exchange().expectStatus().isNotFound();
    }
}
