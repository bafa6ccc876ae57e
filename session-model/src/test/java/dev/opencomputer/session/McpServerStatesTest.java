package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class McpServerStatesTest {

    @Test
    void theLastEventOfEachServerDecidesItsState() {
        McpServerStates states = new McpServerStates()
                .apply(new McpConnected("fs", List.of("read_text_file", "write_file")))
                .apply(new McpServerFailed("tracker", "exited with code 1"))
                .apply(new UserMessage("go on"))
                .apply(new McpServerFailed("fs", "the sandbox died"))
                .apply(new McpConnected("fs", List.of("read_text_file", "write_file", "move_file")));

        assertThat(states.of("fs")).isEqualTo(new McpServerStates.State("connected", 3, null));
        assertThat(states.of("tracker")).isEqualTo(new McpServerStates.State("failed", 0, "exited with code 1"));
    }

    @Test
    void aServerNoRunHasTriedIsPending() {
        assertThat(new McpServerStates().of("fs").status()).isEqualTo("pending");
    }
}
