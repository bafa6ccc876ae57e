package dev.opencomputer.sdk.tenants;

/**
 * Body of {@link Tenants#update(String, UpdateTenantRequest)}: fields left null stay as they are.
 */
public record UpdateTenantRequest(String name, String tier) {

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link UpdateTenantRequest}; set only what changes. */
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

        public UpdateTenantRequest build() {
            return new UpdateTenantRequest(name, tier);
        }
    }
}
