package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.session.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the token usage off a response as it passes through, without holding it up: the SSE events
 * of a stream ({@code message_start} / {@code message_delta} for Anthropic, the final chunk's
 * {@code usage} for OpenAI), or the {@code usage} of a JSON body. Not thread-safe: one per response.
 */
final class UsageTap {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_JSON = 4 * 1024 * 1024;

    private final ModelProvider provider;
    private final boolean stream;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private long input;
    private long output;
    private long cacheRead;
    private long cacheWrite;
    private boolean overflow;

    UsageTap(ModelProvider provider, String contentType) {
        this.provider = provider;
        this.stream = contentType != null && contentType.contains("text/event-stream");
    }

    void accept(byte[] bytes, int length) {
        if (overflow) {
            return;
        }
        if (!stream) {
            if (pending.size() + length > MAX_JSON) {
                overflow = true;
                return;
            }
            pending.write(bytes, 0, length);
            return;
        }
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                line(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else if (pending.size() < MAX_JSON) {
                pending.write(b);
            }
        }
    }

    /** The usage seen, once the response ended. */
    TokenUsage usage() {
        if (!stream && !overflow && pending.size() > 0) {
            try {
                read(JSON.readTree(pending.toByteArray()).path("usage"), true);
            } catch (RuntimeException e) {
                // not JSON (an error page): nothing counted
            }
        }
        return new TokenUsage(Math.max(0, input), Math.max(0, output), Math.max(0, cacheRead), Math.max(0, cacheWrite));
    }

    private void line(String line) {
        if (!line.startsWith("data:")) {
            return;
        }
        String data = line.substring(5).strip();
        if (data.isEmpty() || data.equals("[DONE]")) {
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(data);
        } catch (RuntimeException e) {
            return;
        }
        if (provider == ModelProvider.ANTHROPIC) {
            String type = event.path("type").asString("");
            if (type.equals("message_start")) {
                read(event.path("message").path("usage"), true);
            } else if (type.equals("message_delta")) {
                read(event.path("usage"), false);
            }
        } else {
            JsonNode usage = event.path("usage");
            if (usage.isObject()) {
                read(usage, true);
            }
            JsonNode response = event.path("response").path("usage"); // the Responses API's completed event
            if (response.isObject()) {
                read(response, true);
            }
        }
    }

    /** @param all whether input figures are read too (a delta carries the final output count) */
    private void read(JsonNode usage, boolean all) {
        if (!usage.isObject()) {
            return;
        }
        if (provider == ModelProvider.ANTHROPIC) {
            if (all || usage.has("input_tokens")) {
                input = Math.max(input, usage.path("input_tokens").asLong(input));
                cacheRead = Math.max(cacheRead, usage.path("cache_read_input_tokens").asLong(cacheRead));
                cacheWrite = Math.max(cacheWrite, usage.path("cache_creation_input_tokens").asLong(cacheWrite));
            }
            output = Math.max(output, usage.path("output_tokens").asLong(output));
        } else {
            long prompt = usage.has("prompt_tokens") ? usage.path("prompt_tokens").asLong()
                    : usage.path("input_tokens").asLong(0);
            long completion = usage.has("completion_tokens") ? usage.path("completion_tokens").asLong()
                    : usage.path("output_tokens").asLong(0);
            input = Math.max(input, prompt);
            output = Math.max(output, completion);
        }
    }
}
