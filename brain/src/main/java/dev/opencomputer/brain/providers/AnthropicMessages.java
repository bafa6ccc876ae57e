package dev.opencomputer.brain.providers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.anthropic.core.JsonValue;
import com.anthropic.core.ObjectMappers;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RedactedThinkingBlockParam;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.ThinkingBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.anthropic.models.messages.Usage;
import com.fasterxml.jackson.core.JsonProcessingException;

import dev.opencomputer.brain.ModelRequest;
import dev.opencomputer.brain.ModelResponse;
import dev.opencomputer.brain.StopReason;
import dev.opencomputer.brain.Thinking;
import dev.opencomputer.brain.ThinkingLevel;
import dev.opencomputer.brain.TokenUsage;
import dev.opencomputer.brain.ToolCall;
import dev.opencomputer.brain.ToolSpec;
import dev.opencomputer.brain.Turn;

/** Maps the neutral request to Messages API parameters and a {@link Message} back. */
final class AnthropicMessages {

    private AnthropicMessages() {
    }

    /**
     * The parameters of a request. The key travels as the {@code x-api-key} header of this one
     * request (the SDK redacts that header from its logs), so the cached client never holds it.
     */
    static MessageCreateParams params(ModelRequest request, String apiKey) {
        MessageCreateParams.Builder params = MessageCreateParams.builder()
                .model(request.model())
                .maxTokens(maxTokens(request))
                .putAdditionalHeader("x-api-key", apiKey);
        if (!request.system().isBlank()) {
            params.system(request.system());
        }
        if (request.thinking() != ThinkingLevel.OFF) {
            params.enabledThinking(request.thinking().anthropicBudgetTokens());
        }
        for (ToolSpec spec : request.tools()) {
            params.addTool(Tool.builder()
                    .name(spec.name())
                    .description(spec.description())
                    .inputSchema(read(spec.inputSchemaJson(), Tool.InputSchema.class))
                    .build());
        }
        boolean sendThinking = request.thinking() != ThinkingLevel.OFF;
        List<ContentBlockParam> results = new ArrayList<>();
        List<ContentBlockParam> texts = new ArrayList<>();
        for (Turn turn : request.conversation()) {
            switch (turn) {
                case Turn.User user -> texts.add(ContentBlockParam.ofText(TextBlockParam.of(user.text())));
                case Turn.ToolResult result -> results.add(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(result.toolCallId())
                        .content(result.content().isEmpty() ? "(no output)" : result.content())
                        .isError(result.error())
                        .build()));
                case Turn.Assistant assistant -> {
                    if (assistant.isEmpty()) {
                        continue;
                    }
                    flushUser(params, results, texts);
                    params.addAssistantMessageOfContentBlockParams(assistantBlocks(assistant, sendThinking));
                }
            }
        }
        flushUser(params, results, texts);
        return params.build();
    }

    /** Extended thinking counts against max_tokens, which must exceed the budget. */
    private static long maxTokens(ModelRequest request) {
        int budget = request.thinking().anthropicBudgetTokens();
        return budget == 0 || request.maxTokens() > budget ? request.maxTokens()
                : (long) budget + request.maxTokens();
    }

    /** One user message: tool results first (the API requires them to lead), then text. */
    private static void flushUser(MessageCreateParams.Builder params, List<ContentBlockParam> results,
            List<ContentBlockParam> texts) {
        if (results.isEmpty() && texts.isEmpty()) {
            return;
        }
        List<ContentBlockParam> blocks = new ArrayList<>(results);
        blocks.addAll(texts);
        params.addUserMessageOfContentBlockParams(blocks);
        results.clear();
        texts.clear();
    }

    private static List<ContentBlockParam> assistantBlocks(Turn.Assistant assistant, boolean sendThinking) {
        List<ContentBlockParam> blocks = new ArrayList<>();
        if (sendThinking) {
            for (Thinking thinking : assistant.thinking()) {
                blocks.add(thinking.redacted()
                        ? ContentBlockParam.ofRedactedThinking(RedactedThinkingBlockParam.builder()
                                .data(thinking.text()).build())
                        : ContentBlockParam.ofThinking(ThinkingBlockParam.builder()
                                .thinking(thinking.text()).signature(thinking.signature()).build()));
            }
        }
        if (!assistant.text().isBlank()) {
            blocks.add(ContentBlockParam.ofText(TextBlockParam.of(assistant.text())));
        }
        for (ToolCall call : assistant.toolCalls()) {
            blocks.add(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                    .id(call.id())
                    .name(call.name())
                    .input(toolInput(call.inputJson()))
                    .build()));
        }
        return blocks;
    }

    /** A tool input as the API wants it: an object, even if the model once produced something else. */
    private static JsonValue toolInput(String json) {
        try {
            JsonValue value = ObjectMappers.jsonMapper().readValue(json, JsonValue.class);
            if (value.asObject().isPresent()) {
                return value;
            }
        } catch (JsonProcessingException e) {
            // fall through: keep what the model wrote, wrapped so the API accepts it
        }
        return JsonValue.from(Map.of("invalid_input", json));
    }

    static ModelResponse response(Message message) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<Thinking> thinking = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            if (block.isText()) {
                text.append(block.asText().text());
            } else if (block.isToolUse()) {
                calls.add(new ToolCall(block.asToolUse().id(), block.asToolUse().name(),
                        write(block.asToolUse()._input())));
            } else if (block.isThinking()) {
                thinking.add(new Thinking(block.asThinking().thinking(), block.asThinking().signature(), false));
            } else if (block.isRedactedThinking()) {
                thinking.add(new Thinking(block.asRedactedThinking().data(), "", true));
            }
        }
        return new ModelResponse(message.id(), message.model().asString(), text.toString(), calls, thinking,
                stopReason(message), usage(message.usage()));
    }

    private static StopReason stopReason(Message message) {
        return message.stopReason().map(reason -> switch (reason.asString()) {
            case "end_turn" -> StopReason.END_TURN;
            case "tool_use" -> StopReason.TOOL_USE;
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "refusal" -> StopReason.REFUSAL;
            case "pause_turn" -> StopReason.PAUSE_TURN;
            default -> StopReason.OTHER;
        }).orElse(StopReason.OTHER);
    }

    private static TokenUsage usage(Usage usage) {
        long cacheWrite = usage.cacheCreationInputTokens().orElse(0L);
        long cacheRead = usage.cacheReadInputTokens().orElse(0L);
        return new TokenUsage(usage.inputTokens() + cacheWrite + cacheRead, usage.outputTokens(), cacheRead,
                cacheWrite);
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return ObjectMappers.jsonMapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON for " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static String write(JsonValue value) {
        try {
            return ObjectMappers.jsonMapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tool input as JSON", e);
        }
    }
}
