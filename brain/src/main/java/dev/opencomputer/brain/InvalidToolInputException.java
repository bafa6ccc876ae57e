package dev.opencomputer.brain;

/**
 * A tool call the brain cannot run as given (unknown tool, input that is not JSON, a missing or
 * mistyped field). The message is written for the model, which gets it as an error result and
 * can correct the call.
 */
final class InvalidToolInputException extends Exception {

    private final String toolName;

    public InvalidToolInputException(String toolName, String message) {
        super(message);
        this.toolName = toolName;
    }

    public String toolName() {
        return toolName;
    }
}
