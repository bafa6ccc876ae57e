package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.session.Ids;
import dev.opencomputer.webhooks.MessageNotFoundException;
import dev.opencomputer.webhooks.WebhookMessage;
import dev.opencomputer.webhooks.WebhookMessages;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code /v1/webhook-messages/{id}}: one message with its attempts, and replaying it. */
@RestController
@RequestMapping("/v1/webhook-messages")
class WebhookMessagesController {

    private final WebhookMessages messages;
    private final JsonMapper json;

    WebhookMessagesController(WebhookMessages messages, JsonMapper json) {
        this.messages = messages;
        this.json = json;
    }

    @GetMapping("/{id}")
    MessageView get(Caller caller, @PathVariable String id) {
        return MessageView.of(messages.find(caller.requireTenant().value(), messageId(id)), json, true);
    }

    /** Queues one more attempt now, with the same {@code webhook-id}; 202 with the message. */
    @PostMapping("/{id}/retry")
    ResponseEntity<MessageView> retry(Caller caller, @PathVariable String id) {
        var message = messages.retry(caller.requireTenant().value(), messageId(id));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(MessageView.of(message, json, true));
    }

    private static String messageId(String id) {
        if (!Ids.isShaped(WebhookMessage.ID_PREFIX, id)) {
            throw new MessageNotFoundException(id);
        }
        return id;
    }
}
