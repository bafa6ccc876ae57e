package dev.opencomputer.brain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.brain.acp.AcpConnection;
import org.junit.jupiter.api.Test;

class AcpModesTest {

    private static AcpModes claude(String current) {
        AcpModes modes = new AcpModes();
        modes.opened(AcpConnection.JSON.readTree("""
                {"currentModeId": "%s", "availableModes": [{"id": "default"}, {"id": "acceptEdits"},
                  {"id": "plan"}, {"id": "dontAsk"}]}""".formatted(current)));
        return modes;
    }

    @Test
    void ourPlanIsTheAgentsPlanAndAutoTheModeItOpenedIn() {
        AcpModes modes = claude("default");
        assertThat(modes.switchTo(null)).as("nothing to do").isNull();
        assertThat(modes.switchTo("auto")).isNull();
        assertThat(modes.switchTo("plan")).isEqualTo("plan");
        modes.switched("plan");
        assertThat(modes.planning()).isTrue();
        assertThat(modes.switchTo("plan")).isNull();
        assertThat(modes.switchTo("auto")).isEqualTo("default");
    }

    @Test
    void theAgentsOwnModesAreTakenByIdAndUnknownOnesLeaveItAlone() {
        AcpModes modes = claude("default");
        assertThat(modes.switchTo("acceptEdits")).isEqualTo("acceptEdits");
        assertThat(modes.switchTo("yolo")).isNull();
        AcpModes none = new AcpModes();
        none.opened(AcpConnection.JSON.readTree("{}"));
        assertThat(none.switchTo("plan")).as("an agent without modes").isNull();
    }
}
