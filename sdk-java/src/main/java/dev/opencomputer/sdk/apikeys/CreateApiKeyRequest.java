package dev.opencomputer.sdk.apikeys;

/**
 * Body of {@link ApiKeys#create(CreateApiKeyRequest)}.
 *
 * @param name a label for people, e.g. {@code "ci"}; null lets the server choose one
 */
public record CreateApiKeyRequest(String name) {

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CreateApiKeyRequest}. */
    public static final class Builder {
        private String name;

        private Builder() {
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public CreateApiKeyRequest build() {
            return new CreateApiKeyRequest(name);
        }
    }
}
