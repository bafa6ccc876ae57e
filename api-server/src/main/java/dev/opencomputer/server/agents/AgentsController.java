package dev.opencomputer.server.agents;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.AgentId;
import java.util.List;
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

/** {@code /v1/agents}: a tenant's agents and their versions. */
@RestController
@RequestMapping("/v1/agents")
class AgentsController {

    private final Agents agents;
    private final Idempotency idempotency;

    AgentsController(Agents agents, Idempotency idempotency) {
        this.agents = agents;
        this.idempotency = idempotency;
    }

    @PostMapping
    ResponseEntity<?> create(Caller caller, @RequestBody AgentSpec body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        var tenant = caller.requireTenant();
        return idempotency.run(caller, idempotencyKey, "agents.create", body,
                () -> ResponseEntity.status(HttpStatus.CREATED).body(agents.create(tenant, body)));
    }

    @GetMapping
    Page<Agent> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        return agents.list(caller.requireTenant(), PageRequest.parse(limit, cursor, AgentId::isValid));
    }

    @GetMapping("/{id}")
    Agent get(Caller caller, @PathVariable String id) {
        return agents.find(caller.requireTenant(), agentId(id));
    }

    @PatchMapping(path = "/{id}", consumes = {"application/json", "application/merge-patch+json"})
    Agent update(Caller caller, @PathVariable String id, @RequestBody JsonNode patch) {
        var tenant = caller.requireTenant();
        return agents.update(tenant, agentId(id), patch);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String id) {
        agents.delete(caller.requireTenant(), agentId(id));
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/versions")
    List<Agent> versions(Caller caller, @PathVariable String id) {
        return agents.versions(caller.requireTenant(), agentId(id));
    }

    @GetMapping("/{id}/versions/{version}")
    Agent version(Caller caller, @PathVariable String id, @PathVariable String version) {
        var tenant = caller.requireTenant();
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new ResourceNotFoundException("agent version", id + "@" + version);
        }
        return agents.findVersion(tenant, agentId(id), number);
    }

    private static AgentId agentId(String id) {
        if (!AgentId.isValid(id)) {
            throw new ResourceNotFoundException("agent", id);
        }
        return new AgentId(id);
    }
}
