package dev.opencomputer.server.console;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the browser console ({@code opencomputer.console.*}), checked at start-up.
 *
 * @param enabled             whether {@code /console/} is served at all
 * @param watchFrameAncestors who may embed a watch link ({@code /console/watch/…}) in a frame: CSP
 *                            {@code frame-ancestors} sources such as {@code https://app.example.com},
 *                            {@code 'self'} or {@code *} (the default: a watch link only works with
 *                            the client token its embedder put in it, so framing it grants nothing
 *                            the token does not). The signed-in console is never framed.
 */
@ConfigurationProperties("opencomputer.console")
public record ConsoleProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("*") List<String> watchFrameAncestors) {

    public ConsoleProperties {
        watchFrameAncestors = List.copyOf(watchFrameAncestors);
        if (watchFrameAncestors.isEmpty()) {
            throw new IllegalArgumentException("opencomputer.console.watch-frame-ancestors must name at least one "
                    + "source ('none' forbids framing)");
        }
        for (String source : watchFrameAncestors) {
            if (source.isBlank() || source.chars().anyMatch(c -> c == ';' || c == ',' || Character.isWhitespace(c))) {
                throw new IllegalArgumentException("opencomputer.console.watch-frame-ancestors: '" + source
                        + "' is not a single CSP source");
            }
        }
    }
}
