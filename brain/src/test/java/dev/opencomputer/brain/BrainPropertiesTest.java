package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class BrainPropertiesTest {

    @Test
    void unsetValuesTakeTheirDefaults() {
        BrainProperties p = BrainProperties.defaults();

        assertThat(p.workerId()).startsWith("brain-");
        assertThat(p.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.claimInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.maxConcurrentRuns()).isEqualTo(100);
        assertThat(p.modelTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.defaultCommandTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.maxCommandTimeout()).isEqualTo(Duration.ofHours(1));
        assertThat(p.maxTokens()).isEqualTo(8192);
        assertThat(p.retry().policy()).isEqualTo(ModelRetryPolicy.defaults());
        assertThat(p.toolOutputLimit()).isEqualTo(DataSize.ofKilobytes(32));
        assertThat(p.maxRestarts()).isEqualTo(5);
        assertThat(p.endpoint(ModelProvider.ANTHROPIC, null).baseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
    }

    @Test
    void twoWorkersGetDifferentDefaultNames() {
        assertThat(BrainProperties.defaults().workerId()).isNotEqualTo(BrainProperties.defaults().workerId());
    }

    @Test
    void anAgentsBaseUrlWinsOverTheConfiguredOneWhichWinsOverThePublicApi() {
        BrainProperties p = BrainProperties.builder().openaiBaseUrl("http://127.0.0.1:8089/v1").build();

        assertThat(p.endpoint(ModelProvider.OPENAI, null).baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8089/v1"));
        assertThat(p.endpoint(ModelProvider.OPENAI, "http://gateway:9000/v1").baseUrl())
                .isEqualTo(URI.create("http://gateway:9000/v1"));
        assertThat(p.endpoint(ModelProvider.ANTHROPIC, " ").baseUrl()).isEqualTo(URI.create("https://api.anthropic.com"));
    }

    @Test
    void refusesSettingsThatCannotWork() {
        assertThatThrownBy(() -> BrainProperties.builder().leaseDuration(Duration.ofSeconds(20))
                .heartbeatInterval(Duration.ofSeconds(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heartbeat-interval");
        assertThatThrownBy(() -> BrainProperties.builder().defaultCommandTimeout(Duration.ofHours(2)).build())
                .hasMessageContaining("default-command-timeout");
        assertThatThrownBy(() -> BrainProperties.builder().toolOutputLimit(DataSize.ofMegabytes(2)).build())
                .hasMessageContaining("tool-output-limit");
        assertThatThrownBy(() -> BrainProperties.builder().anthropicBaseUrl("ftp://example.com").build())
                .hasMessageContaining("anthropic-base-url");
        assertThatThrownBy(() -> BrainProperties.builder().maxTokens(-1).build())
                .hasMessageContaining("max-tokens");
        assertThatThrownBy(() -> new BrainProperties.Retry(0, Duration.ofSeconds(10), Duration.ofSeconds(1), null))
                .hasMessageContaining("retry.max-backoff");
    }
}
