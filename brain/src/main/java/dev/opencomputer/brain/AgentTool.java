package dev.opencomputer.brain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The tools every agent has: they act on the session's sandbox. Paths are relative to the
 * session's working directory unless absolute. The brain turns a model's call
 * into the typed invocation to run.
 */
public enum AgentTool {

    BASH("bash", """
            Run a shell command in the sandbox, in the session's working directory, and get its exit \
            code and output (stdout and stderr interleaved; the end of it when long). State such as the \
            current directory and variables does not carry over between calls; files do. The command \
            is killed when it runs longer than the timeout.""", """
            {
              "type": "object",
              "properties": {
                "command": {"type": "string", "description": "The command line, run with the sandbox's shell."},
                "timeout_seconds": {"type": "integer", "minimum": 1,
                  "description": "Optional limit on the run time, capped by the agent's command timeout."}
              },
              "required": ["command"],
              "additionalProperties": false
            }"""),

    READ_FILE("read_file", """
            Read a text file from the sandbox. Long files are cut off; use bash (e.g. sed -n or grep) \
            to look at parts of them.""", """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "The file to read."}
              },
              "required": ["path"],
              "additionalProperties": false
            }"""),

    WRITE_FILE("write_file", """
            Create a file in the sandbox, or replace its whole content. Missing parent directories \
            are created.""", """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "The file to write."},
                "content": {"type": "string", "description": "The complete new content."}
              },
              "required": ["path", "content"],
              "additionalProperties": false
            }"""),

    EDIT_FILE("edit_file", """
            Edit a text file in the sandbox by replacing one exact piece of text with another. \
            old_text must occur exactly once in the file; include enough surrounding lines to make \
            it unique.""", """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "The file to edit."},
                "old_text": {"type": "string", "description": "The exact text to replace, occurring once."},
                "new_text": {"type": "string", "description": "The replacement (empty to delete)."}
              },
              "required": ["path", "old_text", "new_text"],
              "additionalProperties": false
            }"""),

    LIST_FILES("list_files", """
            List a directory in the sandbox: names, types and sizes of its entries.""", """
            {
              "type": "object",
              "properties": {
                "path": {"type": "string", "description": "The directory to list; the working directory when omitted."}
              },
              "additionalProperties": false
            }""");

    private final ToolSpec spec;

    AgentTool(String name, String description, String inputSchemaJson) {
        this.spec = new ToolSpec(name, description, inputSchemaJson);
    }

    /** The name the model calls it by. */
    public String toolName() {
        return spec.name();
    }

    /** The definition sent to the model. */
    public ToolSpec spec() {
        return spec;
    }

    /** The tool with the given name, if it is one of the agent tools. */
    public static Optional<AgentTool> named(String name) {
        return Arrays.stream(values()).filter(tool -> tool.toolName().equals(name)).findFirst();
    }

    /** The definitions of all agent tools, in a fixed order. */
    public static List<ToolSpec> specs() {
        return Arrays.stream(values()).map(AgentTool::spec).toList();
    }
}
