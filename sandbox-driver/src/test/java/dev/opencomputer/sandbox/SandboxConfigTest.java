package dev.opencomputer.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxConfigTest {

    @Test
    void unsetValuesTakeTheirDefaults() {
        SandboxConfig config = new SandboxConfig(null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null);
        assertThat(config.instance()).isEqualTo("default");
        assertThat(config.defaultLimits()).isEqualTo(new SandboxLimits(1.0, ByteSize.ofGigabytes(1).toBytes(), 1024));
        assertThat(config.outputTail()).isEqualTo(ByteSize.ofKilobytes(64));
    }

    @Test
    void rejectsInconsistentSettingsAtStartUp() {
        assertThatThrownBy(() -> SandboxConfig.builder().defaultCpu(8).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SandboxConfig.builder().stopTimeout(Duration.ofMinutes(2)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SandboxConfig.builder().instance("no spaces please").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesToMountTheEngineSocketOrOverTheWorkspace() {
        assertThatThrownBy(() -> new ImageMount("*", "/var/run/docker.sock", "/var/run/docker.sock"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageMount("*", "/tmp/oc-podman", "/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageMount("*", "/data", "/workspace/data")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ImageMount("img", "/usr", "/usr").bind()).isEqualTo("/usr:/usr:ro");
        assertThat(SandboxConfig.builder().imageMounts(List.of(new ImageMount("img", "/usr", "/usr"))).build()
                .imageMounts()).hasSize(1);
    }
}
