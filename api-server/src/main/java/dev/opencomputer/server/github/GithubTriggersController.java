package dev.opencomputer.server.github;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code /v1/github/triggers}: a tenant's GitHub triggers. The create answer is the only one that
 * carries the hook secret, so it is not replayed through the idempotency layer.
 */
@RestController
@RequestMapping("/v1/github/triggers")
class GithubTriggersController {

    private final GithubTriggers triggers;

    GithubTriggersController(GithubTriggers triggers) {
        this.triggers = triggers;
    }

    @PostMapping(consumes = "application/json")
    ResponseEntity<GithubTrigger> create(Caller caller, @RequestBody TriggerSpec body) {
        GithubTrigger created = triggers.create(caller.requireTenant(), body);
        return ResponseEntity.created(URI.create("/v1/github/triggers/" + created.id())).body(created);
    }

    @GetMapping
    Page<GithubTrigger> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        return triggers.list(caller.requireTenant(), PageRequest.parse(limit, cursor, GithubTriggers::isId));
    }

    @GetMapping("/{id}")
    GithubTrigger get(Caller caller, @PathVariable String id) {
        return triggers.find(caller.requireTenant(), id);
    }

    @PatchMapping(path = "/{id}", consumes = {"application/json", "application/merge-patch+json"})
    GithubTrigger update(Caller caller, @PathVariable String id, @RequestBody JsonNode patch) {
        return triggers.update(caller.requireTenant(), id, patch);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        triggers.delete(caller.requireTenant(), id);
        return ResponseEntity.noContent().build();
    }
}
