package dev.opencomputer.server.sessions;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.session.SessionId;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Controlling a live session: {@code POST …/cancel} (API key or the session's client token),
 * {@code GET …/config-options} and {@code PATCH …/config}.
 */
@RestController
@RequestMapping("/v1/sessions")
class SessionControlController {

    private final SessionControl control;
    private final SessionConfig config;

    SessionControlController(SessionControl control, SessionConfig config) {
        this.control = control;
        this.config = config;
    }

    /** The models, modes and thinking levels the session may switch to, and the current ones. */
    @GetMapping("/{id}/config-options")
    SessionConfig.Options configOptions(Caller caller, @PathVariable String id) {
        SessionId session = SessionsController.sessionId(id);
        return config.options(caller.requireSession(session), session);
    }

    /** Changes the live configuration from the next model call ({@code session.config_changed}). */
    @PatchMapping("/{id}/config")
    SessionConfig.Current changeConfig(Caller caller, @PathVariable String id,
            @RequestBody SessionConfig.Change change) {
        SessionId session = SessionsController.sessionId(id);
        return config.change(caller.requireSession(session), session, change);
    }

    /** 202 with the session when a run was cancelled; 200 with it, unchanged, when there was none. */
    @PostMapping("/{id}/cancel")
    ResponseEntity<SessionView> cancel(Caller caller, @PathVariable String id) {
        SessionId session = SessionsController.sessionId(id);
        SessionControl.Cancelled result = control.cancel(caller.requireSession(session), session);
        return ResponseEntity.status(result.cancelled() ? HttpStatus.ACCEPTED : HttpStatus.OK).body(result.session());
    }
}
