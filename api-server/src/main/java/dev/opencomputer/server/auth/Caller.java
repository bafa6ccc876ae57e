package dev.opencomputer.server.auth;

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

    /** A stable name for what this caller owns, e.g. to scope idempotency keys. */
    String scope();

    /** The caller's tenant; the operator credential acts for no tenant and gets a 403 problem. */
    default TenantId requireTenant() {
        if (this instanceof TenantKey key) {
            return key.tenantId();
        }
        throw new ForbiddenException("this endpoint needs a tenant API key; the operator key acts for no tenant");
    }

    /** Passes only for the operator credential. */
    default void requireOperator() {
        if (!(this instanceof Operator)) {
            throw new ForbiddenException("this endpoint needs the operator credential");
        }
    }
}
