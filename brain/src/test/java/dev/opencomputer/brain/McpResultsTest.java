package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.mcp.McpResults;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class McpResultsTest {

    @Test
    void textContentIsKeptAndWhatTextCannotCarryIsNamed() {
        McpSchema.CallToolResult result = McpSchema.CallToolResult.builder().content(List.of(
                new McpSchema.TextContent("first"),
                new McpSchema.ImageContent(null, "aGVsbG8=", "image/png"),
                new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("file:///a.txt", "text/plain",
                        "inside")))).build();

        assertThat(McpResults.text(result, 10_000)).isEqualTo("first\n[image image/png, 6 bytes]\ninside");
    }

    @Test
    void structuredContentAloneIsGivenAsJson() {
        McpSchema.CallToolResult result = McpSchema.CallToolResult.builder().content(List.of())
                .structuredContent(Map.of("temperature", 21)).build();

        assertThat(McpResults.text(result, 10_000)).isEqualTo("{\"temperature\":21}");
    }

    @Test
    void aLongResultIsCutAndSaysSo() {
        McpSchema.CallToolResult result = McpSchema.CallToolResult.builder()
                .content(List.of(new McpSchema.TextContent("x".repeat(50)))).build();

        assertThat(McpResults.text(result, 10)).isEqualTo("xxxxxxxxxx\n[the result was cut at 10 characters]");
    }

    @Test
    void aServerNameIsLowerCaseWithoutADoubleUnderscore() {
        assertThat(McpServer.toolName("fs", "read_file")).isEqualTo("mcp__fs__read_file");
        for (String bad : List.of("Fs", "a__b", "", "x".repeat(33), "a.b")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new McpServer.Stdio(bad, "node", null, null))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
