package dev.opencomputer.server.console;

import java.util.List;
import org.springframework.http.HttpHeaders;

/**
 * The security headers of every console response. The policy allows only the console's own files
 * and the API of the same origin: no inline script or style, no plugins, no {@code <base>}, forms
 * only to the same origin. The signed-in console may not be framed (its API key sits in the tab);
 * a watch page may be framed by {@link ConsoleProperties#watchFrameAncestors()}.
 */
final class ConsoleHeaders {

    private static final String POLICY = "default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'";

    private final String consolePolicy;
    private final String watchPolicy;

    ConsoleHeaders(List<String> watchFrameAncestors) {
        this.consolePolicy = POLICY + "; frame-ancestors 'none'";
        this.watchPolicy = POLICY + "; frame-ancestors " + String.join(" ", watchFrameAncestors);
    }

    /** Headers of the console's pages and files. */
    void console(HttpHeaders headers) {
        common(headers, consolePolicy);
        headers.set("X-Frame-Options", "DENY");
        headers.set("Cross-Origin-Resource-Policy", "same-origin");
    }

    /** Headers of a watch page, which an embedder may frame. */
    void watch(HttpHeaders headers) {
        common(headers, watchPolicy);
    }

    private static void common(HttpHeaders headers, String policy) {
        headers.set("Content-Security-Policy", policy);
        headers.set("X-Content-Type-Options", "nosniff");
        // A watch link's token rides in the fragment, which browsers never send; no-referrer also keeps
        // the path of the page out of any request to elsewhere.
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        headers.setCacheControl("no-cache");
    }
}
