package dev.opencomputer.brain;

import java.util.Objects;

/**
 * An extended-thinking block of an Anthropic response. It must be sent back unchanged with the
 * assistant turn it belongs to while tools are in use, so it is kept with that turn.
 *
 * @param text      the thinking text, or for a redacted block the opaque encrypted data
 * @param signature the provider's signature of the block (empty for redacted blocks)
 * @param redacted  whether the provider redacted the block
 */
public record Thinking(String text, String signature, boolean redacted) {

    public Thinking {
        Objects.requireNonNull(text, "text");
        signature = signature == null ? "" : signature;
    }
}
