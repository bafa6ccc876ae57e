package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.auth.ClientToken;
import dev.opencomputer.server.auth.ClientTokens;
import dev.opencomputer.server.http.Idempotency;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.SessionStatus;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
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

/** {@code /v1/sessions}: start sessions, read them, post messages to them. */
@RestController
@RequestMapping("/v1/sessions")
class SessionsController {

    private final Sessions sessions;
    private final ClientTokens clientTokens;
    private final Idempotency idempotency;
    private final EventJson eventJson = new EventJson();
    private final JsonMapper json;
    private final SessionAnswers answers;

    SessionsController(Sessions sessions, ClientTokens clientTokens, Idempotency idempotency, JsonMapper json,
            SessionAnswers answers) {
        this.sessions = sessions;
        this.answers = answers;
        this.clientTokens = clientTokens;
        this.idempotency = idempotency;
        this.json = json;
    }

    /**
     * Starts a session. The answer carries a fresh client token, minted after the idempotent
     * part so that a token is never stored with a replayable response and a replay gets a
     * token that is still valid.
     */
    @PostMapping
    ResponseEntity<?> start(Caller caller, @RequestBody StartSession body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        TenantId tenant = caller.requireTenant();
        // a retry that takes over the claim of a process that died after the session committed answers with it
        ResponseEntity<?> response = idempotency.run(caller, idempotencyKey, "sessions.start", body,
                (earlier, remember) -> ResponseEntity.status(HttpStatus.CREATED).body(
                        earlier.flatMap(id -> sessions.started(tenant, id)).orElseGet(
                                () -> sessions.start(tenant, body, id -> remember.accept(id.value())))));
        Object stored = response.getBody();
        ObjectNode session = stored instanceof String text ? (ObjectNode) json.readTree(text) : json.valueToTree(stored);
        String id = session.path("id").asString();
        ClientToken token = clientTokens.mint(tenant, SessionId.parse(id), keyIdOf(caller));
        session.put("streamUrl", "/v1/sessions/" + id + "/stream");
        session.put("clientToken", token.token());
        session.put("clientTokenExpiresAt", token.expiresAt().toString());
        return ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                .contentType(MediaType.APPLICATION_JSON).body(session);
    }

    @GetMapping
    Page<SessionView> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String status,
            @RequestParam(required = false) String agent, @RequestParam(required = false) String createdAfter,
            @RequestParam(required = false) String createdBefore) {
        TenantId tenant = caller.requireTenant();
        Optional<SessionStatus> wanted = Optional.empty();
        if (status != null) {
            try {
                wanted = Optional.of(SessionStatus.parse(status));
            } catch (IllegalArgumentException e) {
                throw new ParameterInvalidException("status",
                        "status must be one of pending, running, waiting, idle, hibernated, failed, closed, exhausted");
            }
        }
        SessionFilter filter = new SessionFilter(wanted,
                Optional.ofNullable(agent).map(String::strip).filter(a -> !a.isEmpty()),
                instant("createdAfter", createdAfter), instant("createdBefore", createdBefore));
        return sessions.list(tenant, PageRequest.parse(limit, cursor, SessionId::isValid), filter);
    }

    private static Optional<Instant> instant(String parameter, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.strip()).toInstant());
        } catch (DateTimeParseException e) {
            throw new ParameterInvalidException(parameter,
                    parameter + " must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }

    /**
     * Closes the session ({@code session.closed}); its sandbox is removed unless another live
     * session shares it. The log stays readable. API key only.
     */
    @PostMapping("/{id}/close")
    SessionView close(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        return sessions.close(caller.requireTenant(), session);
    }

    /**
     * Wakes a hibernated session now (its sandbox started on the same workspace, {@code session.woke});
     * a message wakes it as well. A session that is not hibernated is answered as it is. API key
     * only: a client token wakes its session by sending a message, as docs/api.md lists.
     */
    @PostMapping("/{id}/wake")
    SessionView wake(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        return sessions.wake(caller.requireTenant(), session);
    }

    /** Destroys the session with its events and (unless shared) its sandbox and workspace. API key only. */
    @DeleteMapping("/{id}")
    ResponseEntity<Void> destroy(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        sessions.destroy(caller.requireTenant(), session);
        return ResponseEntity.noContent().build();
    }

    /** The session, with the permission requests and client tool calls it waits for. */
    @GetMapping("/{id}")
    SessionView get(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        SessionView view = sessions.show(caller.requireSession(session), session);
        return view.withPending(answers.pending(session));
    }

    /** Appends a {@code user.message}; answers the stored event, whose {@code seq} places it in the log. */
    @PostMapping("/{id}/messages")
    ResponseEntity<?> postMessage(Caller caller, @PathVariable String id, @RequestBody PostMessage body,
            @RequestHeader(name = Idempotency.HEADER, required = false) String idempotencyKey) {
        SessionId session = sessionId(id);
        TenantId tenant = caller.requireSession(session);
        return idempotency.run(caller, idempotencyKey, "sessions.messages:" + id, body, () -> {
            LoggedEvent event = sessions.postMessage(tenant, session, body);
            return ResponseEntity.status(HttpStatus.CREATED).body(json.readTree(eventJson.write(event)));
        });
    }

    /**
     * Mints a fresh client token for the session (an API key only: a client token cannot renew
     * itself, so a leaked one dies at its expiry).
     */
    @PostMapping("/{id}/client-tokens")
    ResponseEntity<ObjectNode> mintClientToken(Caller caller, @PathVariable String id) {
        SessionId session = sessionId(id);
        TenantId tenant = caller.requireTenant();
        sessions.find(tenant, session);
        ClientToken token = clientTokens.mint(tenant, session, keyIdOf(caller));
        ObjectNode body = json.createObjectNode();
        body.put("sessionId", session.value());
        body.put("clientToken", token.token());
        body.put("clientTokenExpiresAt", token.expiresAt().toString());
        body.put("streamUrl", "/v1/sessions/" + session.value() + "/stream");
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.APPLICATION_JSON).body(body);
    }

    /** The API key behind the caller (whose revocation ends the tokens it minted), if any. */
    private static String keyIdOf(Caller caller) {
        return caller instanceof Caller.TenantKey key ? key.keyId() : null;
    }

    static SessionId sessionId(String id) {
        if (!SessionId.isValid(id)) {
            throw new ResourceNotFoundException("session", id);
        }
        return SessionId.parse(id);
    }
}
