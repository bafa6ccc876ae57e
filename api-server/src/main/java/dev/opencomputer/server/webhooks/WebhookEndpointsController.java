package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.http.RequestBodies;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.session.Ids;
import dev.opencomputer.webhooks.EndpointNotFoundException;
import dev.opencomputer.webhooks.MessageStatus;
import dev.opencomputer.webhooks.WebhookEndpoint;
import dev.opencomputer.webhooks.WebhookEndpoints;
import dev.opencomputer.webhooks.WebhookMessage;
import dev.opencomputer.webhooks.WebhookMessages;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/webhook-endpoints}: a tenant's endpoints, their secrets (shown once, at creation and
 * rotation), test sends, their messages and recovery of dead ones.
 */
@RestController
@RequestMapping("/v1/webhook-endpoints")
class WebhookEndpointsController {

    private final WebhookEndpoints endpoints;
    private final WebhookMessages messages;
    private final EndpointQuota quota;
    private final Idempotency idempotency;
    private final JsonMapper json;

    WebhookEndpointsController(WebhookEndpoints endpoints, WebhookMessages messages, EndpointQuota quota,
            Idempotency idempotency, JsonMapper json) {
        this.endpoints = endpoints;
        this.messages = messages;
        this.quota = quota;
        this.idempotency = idempotency;
        this.json = json;
    }

    @PostMapping
    ResponseEntity<?> create(Caller caller, @RequestBody EndpointRequest body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        return idempotency.run(caller, idempotencyKey, "webhook-endpoints.create", body, () -> {
            var created = endpoints.create(tenant.value(), body.toNewEndpoint(), quota.maxEndpoints(tenant));
            return ResponseEntity.created(URI.create("/v1/webhook-endpoints/" + created.endpoint().id()))
                    .body(EndpointView.of(created));
        }, EndpointView::withoutSecret);
    }

    @GetMapping
    Page<EndpointView> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        var tenant = caller.requireTenant();
        PageRequest page = PageRequest.parse(limit, cursor, id -> Ids.isShaped(WebhookEndpoint.ID_PREFIX, id));
        var rows = endpoints.list(tenant.value(), page.before(), page.limit() + 1).stream().map(EndpointView::of)
                .toList();
        return page.page(rows, EndpointView::id);
    }

    @GetMapping("/{id}")
    EndpointView get(Caller caller, @PathVariable String id) {
        return EndpointView.of(endpoints.find(caller.requireTenant().value(), endpointId(id)));
    }

    @PatchMapping(path = "/{id}", consumes = {"application/json", "application/merge-patch+json"})
    EndpointView update(Caller caller, @PathVariable String id, @RequestBody JsonNode patch) {
        var tenant = caller.requireTenant();
        String endpoint = endpointId(id);
        return EndpointView.of(endpoints.update(tenant.value(), endpoint, EndpointRequest.patch(patch, json)));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        endpoints.delete(caller.requireTenant().value(), endpointId(id));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/rotate-secret")
    ResponseEntity<?> rotate(Caller caller, @PathVariable String id,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        String endpoint = endpointId(id);
        return idempotency.run(caller, idempotencyKey, "webhook-endpoints.rotate-secret", Map.of("id", endpoint),
                () -> ResponseEntity.ok(EndpointView.of(endpoints.rotateSecret(tenant.value(), endpoint))),
                EndpointView::withoutSecret);
    }

    /** Sends a {@code webhook.test} message now; answers with the message and its attempt. */
    @PostMapping("/{id}/test")
    Map<String, Object> test(Caller caller, @PathVariable String id) {
        var sent = messages.test(caller.requireTenant().value(), endpointId(id));
        return Map.of("message", MessageView.of(sent.message(), json, false),
                "attempt", MessageView.AttemptView.of(sent.attempt()));
    }

    @GetMapping("/{id}/messages")
    Page<MessageView> messages(Caller caller, @PathVariable String id, @RequestParam(required = false) String status,
            @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        var tenant = caller.requireTenant();
        String endpoint = endpointId(id);
        MessageStatus filter = null;
        if (status != null) {
            try {
                filter = MessageStatus.parse(status);
            } catch (IllegalArgumentException e) {
                throw new ParameterInvalidException("status", "status must be pending, delivered or failed");
            }
        }
        PageRequest page = PageRequest.parse(limit, cursor, m -> Ids.isShaped(WebhookMessage.ID_PREFIX, m));
        var rows = messages.list(tenant.value(), endpoint, filter, page.before(), page.limit() + 1).stream()
                .map(m -> MessageView.of(m, json, false)).toList();
        return page.page(rows, MessageView::id);
    }

    /** Re-queues every failed message created since {@code since}: {@code {"since": "<RFC 3339>"}}. */
    @PostMapping("/{id}/recover")
    ResponseEntity<Map<String, Object>> recover(Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
        var tenant = caller.requireTenant();
        String endpoint = endpointId(id);
        RequestBodies.requireOnly(body, "", List.of("since"), List.of());
        if (body == null || !body.isObject() || !body.has("since") || !body.get("since").isString()) {
            throw new RequestInvalidException("since", "is required: an RFC 3339 time");
        }
        Instant since;
        try {
            since = Instant.parse(body.get("since").asString());
        } catch (DateTimeParseException e) {
            throw new RequestInvalidException("since", "must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
        int recovered = messages.recover(tenant.value(), endpoint, since);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("recovered", recovered));
    }

    static String endpointId(String id) {
        if (!Ids.isShaped(WebhookEndpoint.ID_PREFIX, id)) {
            throw new EndpointNotFoundException(id);
        }
        return id;
    }
}
