package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.acp.AcpConnection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** How the tool calls of agents other than the Claude agent read: codex's, as codex-acp 0.16 reports them. */
class AcpTurnTest {

    private static JsonNode json(String text) {
        return AcpConnection.JSON.readTree(text);
    }

    @Test
    void aCallIsNamedByTheAgentsToolNameElseByItsKindElseByItsTitle() {
        assertThat(AcpTurn.toolName("Write", "edit", "Write /workspace/a.txt")).isEqualTo("Write");
        assertThat(AcpTurn.toolName(null, "edit", "Edit /workspace/hello.txt")).isEqualTo("edit");
        assertThat(AcpTurn.toolName(null, "execute", "cat hello.txt && echo ran")).isEqualTo("execute");
        assertThat(AcpTurn.toolName(null, "other", "Tool: fs/write_file")).isEqualTo("Tool: fs/write_file");
        assertThat(AcpTurn.toolName(null, null, null)).isEqualTo("tool");
    }

    @Test
    void codexsCommandIsTheScriptOfItsShellArgumentVector() {
        assertThat(AcpTurn.command(Map.of("command", List.of("/bin/bash", "-lc", "cat hello.txt && echo ran")), "t"))
                .isEqualTo("cat hello.txt && echo ran");
        assertThat(AcpTurn.command(Map.of("command", List.of("ls", "-la")), "t")).isEqualTo("ls -la");
        assertThat(AcpTurn.command(Map.of("command", "echo hi"), "t")).isEqualTo("echo hi");
        assertThat(AcpTurn.command(Map.of(), "exec_command")).isEqualTo("exec_command");
    }

    @Test
    void codexsCommandOutputAndExitCodeComeFromItsRawOutputObject() {
        JsonNode update = json("""
                {"sessionUpdate": "tool_call_update", "toolCallId": "call_1", "status": "completed",
                 "rawOutput": {"call_id": "call_1", "command": ["/bin/bash", "-lc", "false; echo out"],
                   "stdout": "out\\n", "stderr": "", "aggregated_output": "out\\n", "exit_code": 3,
                   "formatted_output": "out\\n", "status": "completed"}}""");
        assertThat(AcpTurn.output(update)).isEqualTo("out\n");
        assertThat(AcpTurn.exitCode(update)).isEqualTo(3);

        JsonNode patch = json("""
                {"sessionUpdate": "tool_call_update", "toolCallId": "call_2", "status": "completed",
                 "rawOutput": {"stdout": "Success. Updated the following files:\\nA hello.txt\\n", "stderr": "",
                   "success": true}}""");
        assertThat(AcpTurn.output(patch)).startsWith("Success.");
        assertThat(AcpTurn.exitCode(patch)).isNull();
        assertThat(AcpTurn.output(json("{\"rawOutput\": \"plain\"}"))).isEqualTo("plain");
    }
}
