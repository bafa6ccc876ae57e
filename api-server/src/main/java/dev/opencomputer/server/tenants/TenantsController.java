package dev.opencomputer.server.tenants;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.TenantId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/tenants} for the operator, and {@code /v1/tenant} for a tenant to see itself. */
@RestController
class TenantsController {

    /** Body of {@code POST /v1/tenants}. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "limits", "createdAt", "updatedAt"})
    record CreateTenant(String name, String tier) {
    }

    /** Body of {@code PATCH /v1/tenants/{id}}: absent fields stay as they are. */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "limits", "createdAt", "updatedAt"})
    record UpdateTenant(String name, String tier) {
    }

    private final Tenants tenants;
    private final Idempotency idempotency;

    TenantsController(Tenants tenants, Idempotency idempotency) {
        this.tenants = tenants;
        this.idempotency = idempotency;
    }

    @PostMapping("/v1/tenants")
    ResponseEntity<?> create(Caller caller, @RequestBody CreateTenant body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        caller.requireOperator();
        return idempotency.run(caller, idempotencyKey, "tenants.create", body,
                () -> ResponseEntity.status(HttpStatus.CREATED).body(tenants.create(body.name(), body.tier())),
                created -> created instanceof Tenants.Created c ? c.withoutKey() : created);
    }

    @GetMapping("/v1/tenants")
    Page<Tenant> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        caller.requireOperator();
        return tenants.list(PageRequest.parse(limit, cursor, TenantId::isValid));
    }

    @GetMapping("/v1/tenants/{id}")
    Tenant get(Caller caller, @PathVariable String id) {
        caller.requireOperator();
        return tenants.find(tenantId(id));
    }

    @PatchMapping("/v1/tenants/{id}")
    Tenant update(Caller caller, @PathVariable String id, @RequestBody UpdateTenant body) {
        caller.requireOperator();
        return tenants.update(tenantId(id), body.name(), body.tier());
    }

    @GetMapping("/v1/tenant")
    Tenant self(Caller caller) {
        return tenants.find(caller.requireTenant());
    }

    private static TenantId tenantId(String id) {
        if (!TenantId.isValid(id)) {
            throw new ResourceNotFoundException("tenant", id);
        }
        return new TenantId(id);
    }
}
