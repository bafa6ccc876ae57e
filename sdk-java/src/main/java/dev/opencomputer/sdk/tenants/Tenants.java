package dev.opencomputer.sdk.tenants;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;

/**
 * Tenants ({@code /v1/tenants}). Everything but {@link #current()} needs the operator key; a tenant
 * API key gets {@link dev.opencomputer.sdk.PermissionDeniedException}. Thread-safe.
 */
public final class Tenants {

    private static final String PATH = "/v1/tenants";
    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.tenants()}. */
    public Tenants(Transport transport) {
        this.transport = transport;
    }

    public CreatedTenant create(CreateTenantRequest request) {
        return create(request, RequestOptions.DEFAULT);
    }

    /**
     * Creates a tenant and its first API key in one step. Idempotent per idempotency key: a retry
     * within 24 hours returns the same tenant and key instead of creating another.
     */
    public CreatedTenant create(CreateTenantRequest request, RequestOptions options) {
        return transport.post(PATH, request, CreatedTenant.class, options);
    }

    /** @throws dev.opencomputer.sdk.NotFoundException when there is no such tenant */
    public Tenant get(String id) {
        return transport.get(PATH + "/" + Transport.segment(id), Tenant.class);
    }

    /** Every tenant, newest first. */
    public Listing<Tenant> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<Tenant> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, Tenant.class), params);
    }

    /** Renames a tenant or moves it to another tier. */
    public Tenant update(String id, UpdateTenantRequest request) {
        return transport.patch(PATH + "/" + Transport.segment(id), request, "application/json", Tenant.class);
    }

    /** The tenant of the calling API key ({@code GET /v1/tenant}); needs a tenant key. */
    public Tenant current() {
        return transport.get("/v1/tenant", Tenant.class);
    }
}
