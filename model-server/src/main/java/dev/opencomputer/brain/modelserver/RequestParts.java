package dev.opencomputer.brain.modelserver;

import com.sun.net.httpserver.HttpExchange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** What the model server reads off a request for its log and its console lines. */
final class RequestParts {

    private static final Set<String> CREDENTIAL_HEADERS = Set.of("x-api-key", "authorization", "api-key",
            "proxy-authorization");

    private RequestParts() {
    }

    static String conversationKey(WireFormat.ParsedRequest request) {
        String firstUser = request.messages().stream().filter(RecordedMessage::isUser).map(RecordedMessage::text)
                .findFirst().orElse("");
        return Fingerprint.sha256(request.system() + "\u0000" + firstUser).substring(0, 12);
    }

    static Map<String, String> headers(HttpExchange exchange) {
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> {
            String key = name.toLowerCase(Locale.ROOT);
            headers.put(key, CREDENTIAL_HEADERS.contains(key) ? "[redacted]" : String.join(", ", values));
        });
        return headers;
    }

    static String apiKey(HttpExchange exchange) {
        String key = exchange.getRequestHeaders().getFirst("x-api-key");
        if (key != null) {
            return key;
        }
        String authorization = exchange.getRequestHeaders().getFirst("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }

    static String describe(RecordedRequest request, int scriptSize) {
        String turn = request.turn() < 0 ? "exhausted" : "turn " + (request.turn() + 1) + "/" + scriptSize;
        return "#" + request.sequence() + " " + request.provider() + (request.stream() ? " stream " : " ")
                + request.model() + " conversation=" + request.conversation() + " " + turn;
    }

    static String describe(ScriptedTurn turn) {
        if (turn.hang() == ScriptedTurn.Hang.BEFORE_RESPONSE) {
            return "hang";
        }
        if (turn.error() != null) {
            return "error " + turn.error().status() + (turn.error().midStream() ? " mid-stream" : "");
        }
        List<String> parts = new ArrayList<>();
        if (!turn.thinking().isEmpty()) {
            parts.add("thinking");
        }
        if (!turn.text().isEmpty()) {
            parts.add("text");
        }
        turn.toolCalls().forEach(call -> parts.add("tool " + call.name()));
        return String.join(" + ", parts) + " (" + turn.effectiveStopReason() + ")"
                + (turn.hang() == ScriptedTurn.Hang.MID_STREAM ? ", then hang" : "");
    }
}
