package dev.opencomputer.brain.modelserver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

import tools.jackson.databind.JsonNode;

/** A {@code text/event-stream} response, flushed event by event. */
final class SseStream {

    private final OutputStream out;

    private SseStream(OutputStream out) {
        this.out = out;
    }

    static SseStream open(HttpExchange exchange, Map<String, String> headers) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(200, 0);
        return new SseStream(exchange.getResponseBody());
    }

    /** An Anthropic-style event: {@code event:} line plus JSON {@code data:}. */
    void event(String name, JsonNode data) throws IOException {
        write("event: " + name + "\ndata: " + Json.write(data) + "\n\n");
    }

    /** An OpenAI-style event: only a {@code data:} line. */
    void data(String data) throws IOException {
        write("data: " + data + "\n\n");
    }

    void close() throws IOException {
        out.close();
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
