package dev.opencomputer.server.github;

import dev.opencomputer.brain.github.GithubSessions;
import dev.opencomputer.github.GithubClient;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.brain.BrainRole;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The brain's GitHub side, only where the brain runs: the only role that reveals repository tokens.
 * Redirects are not followed, so a token never travels to a host it was not meant for.
 */
@Configuration(proxyBeanMethods = false)
class GithubConfiguration {

    @Bean
    @Conditional(BrainRole.class)
    GithubSessions githubSessions(GithubProperties properties, SecretStore secrets, SandboxDriver sandboxes,
            Clock clock) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new GithubSessions(secrets, new GithubClient(properties.apiUrl(), properties.gitUrl(), http, clock),
                sandboxes);
    }
}
