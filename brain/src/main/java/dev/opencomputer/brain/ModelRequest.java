package dev.opencomputer.brain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One model call, provider-neutral. It holds no credential: the key is passed to
 * {@link ModelClient#start} separately, so a request can be logged or kept without risk.
 *
 * <p>The conversation must be one the providers accept: it starts with a user message, and every
 * tool call of an assistant turn is answered by exactly one {@link Turn.ToolResult} before the
 * next assistant turn (a call interrupted by a crash or a cancel must be answered by a result
 * saying so). The constructor checks this and throws {@link IllegalArgumentException}.
 *
 * @param endpoint     provider and base URL
 * @param model        the provider's model name
 * @param system       the system prompt, empty for none
 * @param conversation the turns so far, oldest first
 * @param tools        the tools the model may call
 * @param maxTokens    the output limit; with extended thinking on Anthropic it is raised to
 *                     exceed the thinking budget
 * @param thinking     the extended thinking / reasoning effort level
 * @param timeout      the limit on the whole call, from sending the request to the last byte of
 *                     the response; the call fails with {@link ModelFailure#TIMEOUT} after it
 * @param streaming    whether to stream the response (deltas reach the listener), or receive it whole
 */
public record ModelRequest(ModelEndpoint endpoint, String model, String system, List<Turn> conversation,
        List<ToolSpec> tools, int maxTokens, ThinkingLevel thinking, Duration timeout, boolean streaming) {

    public ModelRequest {
        Objects.requireNonNull(endpoint, "endpoint");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model request needs a model");
        }
        system = system == null ? "" : system;
        conversation = List.copyOf(conversation);
        tools = List.copyOf(tools == null ? List.of() : tools);
        thinking = thinking == null ? ThinkingLevel.OFF : thinking;
        Objects.requireNonNull(timeout, "timeout");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        requireValid(conversation);
        Set<String> names = new HashSet<>();
        for (ToolSpec tool : tools) {
            if (!names.add(tool.name())) {
                throw new IllegalArgumentException("two tools are named " + tool.name());
            }
        }
    }

    public static Builder builder(ModelEndpoint endpoint, String model) {
        return new Builder(endpoint, model);
    }

    /** A builder holding this request's values. */
    public Builder toBuilder() {
        return new Builder(endpoint, model).system(system).conversation(conversation).tools(tools)
                .maxTokens(maxTokens).thinking(thinking).timeout(timeout).streaming(streaming);
    }

    private static void requireValid(List<Turn> conversation) {
        if (conversation.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one user message");
        }
        if (!(conversation.getFirst() instanceof Turn.User)) {
            throw new IllegalArgumentException("a conversation must start with a user message");
        }
        Set<String> open = new HashSet<>();
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < conversation.size(); i++) {
            switch (conversation.get(i)) {
                case Turn.User user -> {
                }
                case Turn.Assistant assistant -> {
                    if (!open.isEmpty()) {
                        throw new IllegalArgumentException("turn " + i + ": tool calls " + open
                                + " have no result before the next assistant turn");
                    }
                    for (ToolCall call : assistant.toolCalls()) {
                        if (answered.contains(call.id()) || !open.add(call.id())) {
                            throw new IllegalArgumentException("turn " + i + ": tool call id " + call.id()
                                    + " is used twice");
                        }
                    }
                }
                case Turn.ToolResult result -> {
                    if (!open.remove(result.toolCallId())) {
                        throw new IllegalArgumentException("turn " + i + ": a result for tool call "
                                + result.toolCallId() + " that is not open");
                    }
                    answered.add(result.toolCallId());
                }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalArgumentException("tool calls " + open + " have no result");
        }
    }

    /** Builds a {@link ModelRequest}; defaults: 8192 max tokens, no thinking, 10 minutes, streaming. */
    public static final class Builder {
        private final ModelEndpoint endpoint;
        private final String model;
        private String system = "";
        private final List<Turn> conversation = new ArrayList<>();
        private final List<ToolSpec> tools = new ArrayList<>();
        private int maxTokens = 8_192;
        private ThinkingLevel thinking = ThinkingLevel.OFF;
        private Duration timeout = Duration.ofMinutes(10);
        private boolean streaming = true;

        private Builder(ModelEndpoint endpoint, String model) {
            this.endpoint = endpoint;
            this.model = model;
        }

        public Builder system(String system) {
            this.system = system;
            return this;
        }

        /** Replaces the conversation. */
        public Builder conversation(List<Turn> turns) {
            conversation.clear();
            conversation.addAll(turns);
            return this;
        }

        public Builder add(Turn turn) {
            conversation.add(Objects.requireNonNull(turn));
            return this;
        }

        /** Replaces the tools. */
        public Builder tools(List<ToolSpec> specs) {
            tools.clear();
            tools.addAll(specs);
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder thinking(ThinkingLevel thinking) {
            this.thinking = thinking;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder streaming(boolean streaming) {
            this.streaming = streaming;
            return this;
        }

        public ModelRequest build() {
            return new ModelRequest(endpoint, model, system, conversation, tools, maxTokens, thinking, timeout,
                    streaming);
        }
    }
}
