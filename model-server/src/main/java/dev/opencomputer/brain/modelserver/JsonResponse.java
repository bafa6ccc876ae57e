package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import tools.jackson.databind.JsonNode;

/** Writes a complete JSON response. */
final class JsonResponse {

    private JsonResponse() {
    }

    static void send(HttpExchange exchange, int status, JsonNode body, Map<String, String> headers) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, body, Map.of());
    }
}
