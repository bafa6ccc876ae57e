package dev.opencomputer.sdk.tenants;

import java.util.Objects;

/**
 * Body of {@link Tenants#create(CreateTenantRequest)}.
 *
 * @param name required
 * @param tier a configured tier, or null for the server's default tier
 */
public record CreateTenantRequest(String name, String tier) {

    public CreateTenantRequest {
        Objects.requireNonNull(name, "name");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CreateTenantRequest}; {@code name} is required. */
    public static final class Builder {
        private String name;
        private String tier;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder tier(String tier) {
            this.tier = tier;
            return this;
        }

        public CreateTenantRequest build() {
            return new CreateTenantRequest(name, tier);
        }
    }
}
