package dev.opencomputer.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class ConsoleHeadersTest {

    private final ConsoleHeaders headers = new ConsoleHeaders(List.of("https://app.example.com", "'self'"));

    @Test
    void theSignedInConsoleIsNeverFramed() {
        HttpHeaders response = new HttpHeaders();
        headers.console(response);
        assertThat(response.getFirst("Content-Security-Policy"))
                .startsWith("default-src 'self'; base-uri 'none'; object-src 'none'; form-action 'self'")
                .endsWith("; frame-ancestors 'none'");
        assertThat(response.getFirst("X-Frame-Options")).isEqualTo("DENY");
        assertThat(response.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void aWatchPageMayBeFramedByTheConfiguredOriginsOnly() {
        HttpHeaders response = new HttpHeaders();
        headers.watch(response);
        assertThat(response.getFirst("Content-Security-Policy"))
                .endsWith("; frame-ancestors https://app.example.com 'self'");
        assertThat(response.containsHeader("X-Frame-Options")).isFalse();
        assertThat(response.getFirst("Referrer-Policy")).isEqualTo("no-referrer");
    }

    @Test
    void aFrameAncestorThatWouldBreakThePolicyIsRefusedAtStartUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> new ConsoleProperties(true, List.of("*; script-src *")));
        assertThatIllegalArgumentException().isThrownBy(() -> new ConsoleProperties(true, List.of()));
        assertThat(new ConsoleProperties(true, List.of("'none'")).watchFrameAncestors()).containsExactly("'none'");
    }
}
