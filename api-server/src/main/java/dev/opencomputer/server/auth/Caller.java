package dev.opencomputer.server.auth;

import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;

/**
 * The authenticated party behind a request. Declare a parameter of this type on a controller
 * method to require a credential; the tenant is taken from here, never from the request.
 */
public sealed interface Caller {

    /** The platform operator: manages tenants, owns no resources itself. */
    record Operator() implements Caller {
        @Override
        public String scope() {
            return "operator";
        }
    }

    /** A tenant's backend, authenticated by one of the tenant's API keys. */
    record TenantKey(TenantId tenantId, String keyId) implements Caller {
        @Override
        public String scope() {
            return tenantId.value();
        }
    }

    /**
     * A browser (or other client) holding a client token: may act on one session only — read
     * it, its events and stream, post messages and cancel — and nothing else.
     *
     * @param mintedBy  the API key that minted the token (its revocation ends the token), or null
     * @param expiresAt when the token expires (an open stream ends then), or null when unknown
     * @param tokenId   the token's own id ({@code jti}), e.g. to count its streams; null when unknown
     */
    record SessionClient(TenantId tenantId, SessionId sessionId, String mintedBy, java.time.Instant expiresAt,
            String tokenId) implements Caller {

        public SessionClient(TenantId tenantId, SessionId sessionId) {
            this(tenantId, sessionId, null, null, null);
        }

        @Override
        public String scope() {
            return tenantId.value();
        }
    }

    /** A stable name for what this caller owns, e.g. to scope idempotency keys. */
    String scope();

    /** The caller's tenant; the operator credential acts for no tenant and gets a 403 problem. */
    default TenantId requireTenant() {
        if (this instanceof TenantKey key) {
            return key.tenantId();
        }
        if (this instanceof SessionClient) {
            throw new ForbiddenException("a client token may only act on its own session");
        }
        throw new ForbiddenException("this endpoint needs a tenant API key; the operator key acts for no tenant");
    }

    /**
     * The tenant whose session {@code session} the caller may act on: a tenant key for any of its
     * sessions (the session's tenant is checked by the caller's query), a client token only for
     * its own session.
     */
    default TenantId requireSession(SessionId session) {
        return switch (this) {
            case TenantKey key -> key.tenantId();
            case SessionClient client when client.sessionId().equals(session) -> client.tenantId();
            case SessionClient client -> throw new ForbiddenException("this client token is scoped to another session");
            case Operator operator -> throw new ForbiddenException(
                    "this endpoint needs a tenant API key; the operator key acts for no tenant");
        };
    }

    /** Passes only for the operator credential. */
    default void requireOperator() {
        if (!(this instanceof Operator)) {
            throw new ForbiddenException("this endpoint needs the operator credential");
        }
    }
}
