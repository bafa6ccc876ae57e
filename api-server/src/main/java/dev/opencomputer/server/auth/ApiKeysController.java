package dev.opencomputer.server.auth;

import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /v1/api-keys}: a tenant lists, creates and revokes its own API keys. */
@RestController
@RequestMapping("/v1/api-keys")
class ApiKeysController {

    /** Body of {@code POST /v1/api-keys}. */
    record CreateApiKey(String name) {
    }

    private final ApiKeys apiKeys;
    private final Idempotency idempotency;

    ApiKeysController(ApiKeys apiKeys, Idempotency idempotency) {
        this.apiKeys = apiKeys;
        this.idempotency = idempotency;
    }

    @GetMapping
    Page<ApiKey> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        return apiKeys.list(caller.requireTenant(), PageRequest.parse(limit, cursor, ApiKeys::isKeyId));
    }

    @PostMapping
    ResponseEntity<?> create(Caller caller, @RequestBody(required = false) CreateApiKey body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        CreateApiKey request = body == null ? new CreateApiKey(null) : body;
        return idempotency.run(caller, idempotencyKey, "api-keys.create", request,
                () -> ResponseEntity.status(HttpStatus.CREATED).body(apiKeys.issue(tenant, request.name())),
                issued -> issued instanceof IssuedApiKey key ? key.withoutKey() : issued);
    }

    @DeleteMapping("/{id}")
    ApiKey revoke(Caller caller, @PathVariable String id) {
        var tenant = caller.requireTenant();
        if (!ApiKeys.isKeyId(id)) {
            throw new ResourceNotFoundException("api key", id);
        }
        return apiKeys.revoke(tenant, id);
    }
}
