package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ToolInvocationTest {

    @Test
    void typesEveryAgentTool() throws Exception {
        assertThat(parse("bash", "{\"command\":\"ls\",\"timeout_seconds\":30}"))
                .isEqualTo(new ToolInvocation.Bash("ls", Optional.of(Duration.ofSeconds(30))));
        assertThat(parse("read_file", "{\"path\":\"src/A.java\"}")).isEqualTo(new ToolInvocation.ReadFile("src/A.java"));
        assertThat(parse("write_file", "{\"path\":\"a.txt\",\"content\":\"\"}"))
                .isEqualTo(new ToolInvocation.WriteFile("a.txt", ""));
        assertThat(parse("edit_file", "{\"path\":\"a\",\"old_text\":\"x\",\"new_text\":\"\"}"))
                .isEqualTo(new ToolInvocation.EditFile("a", "x", ""));
        assertThat(parse("list_files", "{}")).isEqualTo(new ToolInvocation.ListFiles("."));
    }

    @Test
    void ignoresFieldsItDoesNotKnow() throws Exception {
        assertThat(parse("bash", "{\"command\":\"pwd\",\"explanation\":\"where am I\"}"))
                .isEqualTo(new ToolInvocation.Bash("pwd", Optional.empty()));
    }

    @Test
    void tellsTheModelWhichFieldIsMissing() {
        assertThatThrownBy(() -> parse("write_file", "{\"path\":\"a\"}"))
                .isInstanceOf(InvalidToolInputException.class).hasMessage("write_file needs \"content\"");
    }

    @Test
    void tellsTheModelAboutAMistypedField() {
        assertThatThrownBy(() -> parse("bash", "{\"command\":[\"ls\"]}"))
                .isInstanceOf(InvalidToolInputException.class).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> parse("bash", "{\"command\":\"ls\",\"timeout_seconds\":0}"))
                .isInstanceOf(InvalidToolInputException.class).hasMessageContaining("timeout_seconds");
    }

    @Test
    void tellsTheModelItsInputIsNotJson() {
        assertThatThrownBy(() -> parse("bash", "{\"command\": \"ls"))
                .isInstanceOf(InvalidToolInputException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void namesTheToolsThatExistWhenAnUnknownOneIsCalled() {
        assertThatThrownBy(() -> parse("python", "{}"))
                .isInstanceOf(InvalidToolInputException.class)
                .hasMessageContaining("no tool named \"python\"")
                .hasMessageContaining("list_files");
    }

    @Test
    void describesEveryToolWithAnObjectSchemaListingItsRequiredFields() {
        JsonMapper json = JsonMapper.builder().build();
        for (AgentTool tool : AgentTool.values()) {
            JsonNode schema = json.readTree(tool.spec().inputSchemaJson());
            assertThat(schema.path("type").asString()).as(tool.toolName()).isEqualTo("object");
            schema.path("required").forEach(field ->
                    assertThat(schema.path("properties").has(field.asString())).as(tool + " " + field).isTrue());
        }
        assertThat(AgentTool.specs()).extracting(ToolSpec::name)
                .containsExactly("bash", "read_file", "write_file", "edit_file", "list_files");
    }

    private static ToolInvocation parse(String tool, String input) throws InvalidToolInputException {
        return ToolInvocation.parse(new ToolCall("call_1", tool, input));
    }
}
