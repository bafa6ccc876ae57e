package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answering a waiting session (API key or the session's client token):
 * {@code POST …/permissions/{requestId}} and {@code POST …/tool-results}, each answered with the
 * stored event; {@code GET …/pending} lists what it waits for (also part of {@code GET /v1/sessions/{id}}).
 */
@RestController
@RequestMapping("/v1/sessions")
class SessionWaitsController {

    private final SessionAnswers answers;
    private final Sessions sessions;
    private final EventJson eventJson = new EventJson();

    SessionWaitsController(SessionAnswers answers, Sessions sessions) {
        this.answers = answers;
        this.sessions = sessions;
    }

    @GetMapping("/{id}/pending")
    PendingWaits pending(Caller caller, @PathVariable String id) {
        SessionId session = SessionsController.sessionId(id);
        sessions.find(caller.requireSession(session), session);
        return answers.pending(session);
    }

    @PostMapping("/{id}/permissions/{requestId}")
    ResponseEntity<String> answer(Caller caller, @PathVariable String id, @PathVariable String requestId,
            @RequestBody SessionAnswers.Decision body) {
        SessionId session = SessionsController.sessionId(id);
        TenantId tenant = caller.requireSession(session);
        return stored(answers.answer(caller, tenant, session, requestId, body));
    }

    @PostMapping("/{id}/tool-results")
    ResponseEntity<String> toolResult(Caller caller, @PathVariable String id,
            @RequestBody SessionAnswers.ToolOutput body) {
        SessionId session = SessionsController.sessionId(id);
        TenantId tenant = caller.requireSession(session);
        return stored(answers.submit(tenant, session, body));
    }

    private ResponseEntity<String> stored(dev.opencomputer.session.LoggedEvent event) {
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON)
                .body(eventJson.write(event));
    }
}
