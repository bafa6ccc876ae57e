package dev.opencomputer.brain;

import java.time.Duration;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The field checks behind {@link ToolInvocation#parse}. */
final class ToolInputFields {
    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ToolInputFields() {
    }

    static String requiredText(JsonNode input, String tool, String field, boolean mayBeEmpty)
            throws InvalidToolInputException {
        JsonNode value = input.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidToolInputException(tool, tool + " needs \"" + field + "\"");
        }
        if (!value.isString()) {
            throw new InvalidToolInputException(tool, "\"" + field + "\" of " + tool + " must be a string");
        }
        if (!mayBeEmpty && value.stringValue().isBlank()) {
            throw new InvalidToolInputException(tool, "\"" + field + "\" of " + tool + " must not be empty");
        }
        return value.stringValue();
    }

    static Optional<String> optionalText(JsonNode input, String tool, String field)
            throws InvalidToolInputException {
        JsonNode value = input.get(field);
        if (value == null || value.isNull() || (value.isString() && value.stringValue().isBlank())) {
            return Optional.empty();
        }
        if (!value.isString()) {
            throw new InvalidToolInputException(tool, "\"" + field + "\" of " + tool + " must be a string");
        }
        return Optional.of(value.stringValue());
    }

    static Optional<Duration> timeout(JsonNode input, String tool) throws InvalidToolInputException {
        JsonNode value = input.get("timeout_seconds");
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || value.doubleValue() < 1 || !Double.isFinite(value.doubleValue())) {
            throw new InvalidToolInputException(tool, "\"timeout_seconds\" of " + tool
                    + " must be a number of seconds, at least 1");
        }
        return Optional.of(Duration.ofMillis(Math.round(Math.min(value.doubleValue(), 86_400) * 1000)));
    }
    }
