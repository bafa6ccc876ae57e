package dev.opencomputer.sdk.sandboxes;

import java.time.Duration;

/**
 * Body of {@link Sandboxes#create(CreateSandboxRequest)}; every field is optional (null: the
 * server's default). Limits are the operator's: beyond them the server answers a
 * {@link dev.opencomputer.sdk.ValidationException} naming each field.
 *
 * @param image   an image already on the server's container engine (images are never pulled)
 * @param cpu     cores, e.g. {@code 0.5}
 * @param memory  {@code "512MB"}, {@code "2GB"} or a number of bytes as text
 * @param ttl     the lifetime as an ISO-8601 duration, e.g. {@code PT30M}
 * @param network {@code none} (the only mode; {@code egress} is refused)
 */
public record CreateSandboxRequest(String image, Double cpu, String memory, String ttl, String network) {

    /** Everything as the server's defaults. */
    public static final CreateSandboxRequest DEFAULTS = new CreateSandboxRequest(null, null, null, null, null);

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CreateSandboxRequest}. Not thread-safe. */
    public static final class Builder {
        private String image;
        private Double cpu;
        private String memory;
        private String ttl;
        private String network;

        private Builder() {
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder cpu(double cores) {
            this.cpu = cores;
            return this;
        }

        /** E.g. {@code "512MB"} or {@code "2GB"}. */
        public Builder memory(String memory) {
            this.memory = memory;
            return this;
        }

        public Builder memoryBytes(long bytes) {
            this.memory = Long.toString(bytes);
            return this;
        }

        /** How long it lives before the server removes it. */
        public Builder ttl(Duration ttl) {
            this.ttl = ttl == null ? null : ttl.toString();
            return this;
        }

        /**
         * {@code false}: no network (the default and the only mode). {@code true} asks for the former
         * {@code egress} mode, which the server now refuses with a 422: sandboxes have no network
         * interface; sessions reach what their agent's network policy allows through the egress proxy.
         *
         * @deprecated sandboxes no longer join a network; use an agent's {@code network} policy
         */
        @Deprecated
        public Builder egress(boolean egress) {
            this.network = egress ? "egress" : "none";
            return this;
        }

        public CreateSandboxRequest build() {
            return new CreateSandboxRequest(image, cpu, memory, ttl, network);
        }
    }
}
