package dev.opencomputer.brain.providers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;

import dev.opencomputer.brain.ModelRequest;
import dev.opencomputer.brain.ModelResponse;
import dev.opencomputer.brain.StopReason;
import dev.opencomputer.brain.TokenUsage;
import dev.opencomputer.brain.ToolCall;
import dev.opencomputer.brain.ToolSpec;
import dev.opencomputer.brain.Turn;

/** Maps the neutral request to Chat Completions parameters and a {@link ChatCompletion} back. */
final class OpenAiMessages {

    private OpenAiMessages() {
    }

    static ChatCompletionCreateParams params(ModelRequest request) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
                .model(request.model())
                .maxCompletionTokens(request.maxTokens());
        if (!request.system().isBlank()) {
            params.addSystemMessage(request.system());
        }
        switch (request.thinking()) {
            case OFF -> {
            }
            case LOW -> params.reasoningEffort(ReasoningEffort.LOW);
            case MEDIUM -> params.reasoningEffort(ReasoningEffort.MEDIUM);
            case HIGH -> params.reasoningEffort(ReasoningEffort.HIGH);
        }
        if (request.streaming()) {
            params.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        }
        for (ToolSpec spec : request.tools()) {
            params.addTool(ChatCompletionFunctionTool.builder()
                    .function(FunctionDefinition.builder()
                            .name(spec.name())
                            .description(spec.description())
                            .parameters(FunctionParameters.builder()
                                    .putAllAdditionalProperties(object(spec.inputSchemaJson()))
                                    .build())
                            .build())
                    .build());
        }
        for (Turn turn : request.conversation()) {
            switch (turn) {
                case Turn.User user -> params.addUserMessage(user.text());
                case Turn.ToolResult result -> params.addMessage(ChatCompletionToolMessageParam.builder()
                        .toolCallId(result.toolCallId())
                        .content(result.error() ? "Error: " + result.content()
                                : result.content().isEmpty() ? "(no output)" : result.content())
                        .build());
                case Turn.Assistant assistant -> {
                    if (assistant.isEmpty()) {
                        continue;
                    }
                    ChatCompletionAssistantMessageParam.Builder message = ChatCompletionAssistantMessageParam.builder();
                    if (!assistant.text().isBlank()) {
                        message.content(assistant.text());
                    }
                    for (ToolCall call : assistant.toolCalls()) {
                        message.addToolCall(ChatCompletionMessageFunctionToolCall.builder()
                                .id(call.id())
                                .function(ChatCompletionMessageFunctionToolCall.Function.builder()
                                        .name(call.name())
                                        .arguments(call.inputJson())
                                        .build())
                                .build());
                    }
                    params.addMessage(message.build());
                }
            }
        }
        return params.build();
    }

    static ModelResponse response(ChatCompletion completion) {
        if (completion.choices().isEmpty()) {
            throw new IllegalStateException("the completion has no choices");
        }
        ChatCompletion.Choice choice = completion.choices().getFirst();
        ChatCompletionMessage message = choice.message();
        List<ToolCall> calls = new ArrayList<>();
        for (ChatCompletionMessageToolCall call : message.toolCalls().orElse(List.of())) {
            call.function().ifPresent(function -> calls.add(new ToolCall(function.id(),
                    function.function().name(), function.function().arguments())));
        }
        TokenUsage usage = completion.usage()
                .map(u -> new TokenUsage(u.promptTokens(), u.completionTokens(),
                        Math.min(u.promptTokens(), u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L)), 0))
                .orElse(TokenUsage.NONE);
        return new ModelResponse(completion.id(), completion.model(), message.content().orElse(""), calls, List.of(),
                stopReason(choice.finishReason().asString()), usage);
    }

    private static StopReason stopReason(String finishReason) {
        return switch (finishReason) {
            case "stop" -> StopReason.END_TURN;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "length" -> StopReason.MAX_TOKENS;
            case "content_filter" -> StopReason.REFUSAL;
            default -> StopReason.OTHER;
        };
    }

    private static Map<String, JsonValue> object(String json) {
        try {
            return ObjectMappers.jsonMapper().readValue(json, new TypeReference<Map<String, JsonValue>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a tool input schema is not a JSON object: " + e.getMessage(), e);
        }
    }
}
