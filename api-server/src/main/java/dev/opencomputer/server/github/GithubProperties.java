package dev.opencomputer.server.github;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code opencomputer.github.*}: where the brain reaches GitHub (docs/github.md).
 *
 * @param apiUrl the REST API
 * @param gitUrl where repositories are served over HTTPS
 */
@ConfigurationProperties("opencomputer.github")
public record GithubProperties(@DefaultValue("https://api.github.com") URI apiUrl,
        @DefaultValue("https://github.com") URI gitUrl) {

    public GithubProperties {
        for (URI url : new URI[] {apiUrl, gitUrl}) {
            if (url == null || url.getScheme() == null || !(url.getScheme().equals("https")
                    || url.getScheme().equals("http")) || url.getHost() == null) {
                throw new IllegalArgumentException("opencomputer.github.api-url and git-url must be http(s) URLs");
            }
        }
    }
}
