package dev.opencomputer.server.github;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/github/hooks/{triggerId}}: where GitHub delivers a trigger's repository events.
 * No API key: the {@code X-Hub-Signature-256} over the raw body is the credential. The body is taken
 * as bytes and checked before it is parsed.
 */
@RestController
class GithubHookController {

    private final GithubHooks hooks;

    GithubHookController(GithubHooks hooks) {
        this.hooks = hooks;
    }

    @PostMapping(path = "/v1/github/hooks/{triggerId}", consumes = "application/json")
    ResponseEntity<HookOutcome> receive(@PathVariable String triggerId,
            @RequestHeader(name = HubSignature.HEADER, required = false) String signature,
            @RequestHeader(name = "X-GitHub-Event", required = false) String event,
            @RequestHeader(name = "X-GitHub-Delivery", required = false) String delivery,
            @RequestBody(required = false) byte[] body) {
        HookOutcome outcome = hooks.receive(triggerId, signature, event, delivery, body == null ? new byte[0] : body);
        HttpStatus status = switch (outcome.result()) {
            case "started" -> HttpStatus.CREATED;
            case "ignored", "starting" -> HttpStatus.ACCEPTED;
            default -> HttpStatus.OK;
        };
        return ResponseEntity.status(status).body(outcome);
    }
}
