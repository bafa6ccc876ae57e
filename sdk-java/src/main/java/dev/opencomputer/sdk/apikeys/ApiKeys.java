package dev.opencomputer.sdk.apikeys;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;

/**
 * The calling tenant's API keys ({@code /v1/api-keys}); needs a tenant API key. Thread-safe.
 */
public final class ApiKeys {

    private static final String PATH = "/v1/api-keys";
    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.apiKeys()}. */
    public ApiKeys(Transport transport) {
        this.transport = transport;
    }

    /** Every key of the tenant, revoked ones included, newest first. */
    public Listing<ApiKey> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<ApiKey> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, ApiKey.class), params);
    }

    /** Issues a key with a server-chosen name. */
    public IssuedApiKey create() {
        return create(CreateApiKeyRequest.builder().build(), RequestOptions.DEFAULT);
    }

    public IssuedApiKey create(CreateApiKeyRequest request) {
        return create(request, RequestOptions.DEFAULT);
    }

    /**
     * Issues a new key; the answer holds the only copy of it. Idempotent per idempotency key: a
     * retry (automatic, or yours with the same {@link RequestOptions#idempotencyKey()}) within 24
     * hours returns the same key instead of issuing a second one.
     */
    public IssuedApiKey create(CreateApiKeyRequest request, RequestOptions options) {
        return transport.post(PATH, request, IssuedApiKey.class, options);
    }

    /**
     * Revokes a key at once: later requests with it fail with
     * {@link dev.opencomputer.sdk.AuthenticationException}. Revoking the key this client uses is
     * allowed; the client's next call then fails.
     *
     * @return the key, now with {@code revokedAt}
     * @throws dev.opencomputer.sdk.NotFoundException when there is no such key in this tenant
     */
    public ApiKey revoke(String id) {
        return transport.delete(PATH + "/" + Transport.segment(id), ApiKey.class);
    }
}
