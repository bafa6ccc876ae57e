package dev.opencomputer.brain;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A model's tool call, checked and typed: what to do in the sandbox. Unknown fields in the input
 * are ignored; missing or mistyped ones make {@link #parse} fail with a message for the model.
 */
sealed interface ToolInvocation {

    /** {@code bash}: run a command. */
    record Bash(String command, Optional<Duration> timeout) implements ToolInvocation {
        public Bash {
            Objects.requireNonNull(command);
            Objects.requireNonNull(timeout);
        }
    }

    /** {@code read_file}. */
    record ReadFile(String path) implements ToolInvocation {
        public ReadFile {
            Objects.requireNonNull(path);
        }
    }

    /** {@code write_file}: create or replace. */
    record WriteFile(String path, String content) implements ToolInvocation {
        public WriteFile {
            Objects.requireNonNull(path);
            Objects.requireNonNull(content);
        }
    }

    /** {@code edit_file}: replace the one occurrence of {@code oldText}. */
    record EditFile(String path, String oldText, String newText) implements ToolInvocation {
        public EditFile {
            Objects.requireNonNull(path);
            Objects.requireNonNull(oldText);
            Objects.requireNonNull(newText);
        }
    }

    /** {@code list_files}: {@code path} is {@code "."} when the model gave none. */
    record ListFiles(String path) implements ToolInvocation {
        public ListFiles {
            Objects.requireNonNull(path);
        }
    }

    /** Checks a model's tool call and types it. */
    static ToolInvocation parse(ToolCall call) throws InvalidToolInputException {
        String name = call.name();
        AgentTool tool = AgentTool.named(name).orElseThrow(() -> new InvalidToolInputException(name,
                "there is no tool named \"" + name + "\"; the tools are bash, read_file, write_file, edit_file"
                        + " and list_files"));
        JsonNode input;
        try {
            input = ToolInputFields.MAPPER.readTree(call.inputJson());
        } catch (JacksonException e) {
            throw new InvalidToolInputException(name, "the input of " + name + " is not valid JSON: "
                    + e.getOriginalMessage());
        }
        if (input == null || !input.isObject()) {
            throw new InvalidToolInputException(name, "the input of " + name + " must be a JSON object");
        }
        return switch (tool) {
            case BASH -> new Bash(ToolInputFields.requiredText(input, name, "command", false),
                    ToolInputFields.timeout(input, name));
            case READ_FILE -> new ReadFile(ToolInputFields.requiredText(input, name, "path", false));
            case WRITE_FILE -> new WriteFile(ToolInputFields.requiredText(input, name, "path", false),
                    ToolInputFields.requiredText(input, name, "content", true));
            case EDIT_FILE -> new EditFile(ToolInputFields.requiredText(input, name, "path", false),
                    ToolInputFields.requiredText(input, name, "old_text", false),
                    ToolInputFields.requiredText(input, name, "new_text", true));
            case LIST_FILES -> new ListFiles(ToolInputFields.optionalText(input, name, "path").orElse("."));
        };
    }
}
