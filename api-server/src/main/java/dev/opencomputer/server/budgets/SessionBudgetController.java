package dev.opencomputer.server.budgets;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.SessionId;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/sessions/{id}/budget} (an API key or the session's client token) and
 * {@code PATCH /v1/sessions/{id}/budget} (an API key only: the owner raises or lowers it).
 */
@RestController
@RequestMapping("/v1/sessions")
class SessionBudgetController {

    private final SessionBudgets budgets;

    SessionBudgetController(SessionBudgets budgets) {
        this.budgets = budgets;
    }

    @GetMapping("/{id}/budget")
    BudgetView get(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        return budgets.view(caller.requireSession(session), session);
    }

    @PatchMapping("/{id}/budget")
    BudgetView change(Caller caller, @PathVariable String id, @RequestBody JsonNode patch) {
        SessionId session = sessionId(id);
        return budgets.change(caller.requireTenant(), session, patch);
    }

    private static SessionId sessionId(String id) {
        if (!SessionId.isValid(id)) {
            throw new ResourceNotFoundException("session", id);
        }
        return SessionId.parse(id);
    }
}
