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
                null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null);
        assertThat(config.instance()).isEqualTo("default");
        assertThat(config.diskCheckInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
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

    @Test
    void refusesMountSourcesThatExposeTheHostOrItsParents() {
        for (String source : List.of("/", "/run", "/var/run", "/var", "/proc", "/proc/1/root", "/sys", "/dev",
                "/etc", "/etc/shadow", "/var/lib/containers/storage", "/usr/../etc", "/run/user/0")) {
            assertThatThrownBy(() -> new ImageMount("*", source, "/mnt/x")).as(source)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image-mounts: source");
        }
        assertThat(new ImageMount("*", "/opt/tools/", "/opt/tools").source()).isEqualTo("/opt/tools/");
    }

    @Test
    void refusesAMountOfTheEngineSocketsDirectoryOrAParentOfIt() {
        ImageMount parent = new ImageMount("*", "/srv/engine", "/mnt/engine");
        assertThatThrownBy(() -> SandboxConfig.builder().dockerHost("unix:///srv/engine/api/engine.sock")
                .imageMounts(List.of(parent)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine's socket");
        assertThat(SandboxConfig.builder().dockerHost("unix:///srv/engine/api/engine.sock")
                .imageMounts(List.of(new ImageMount("*", "/srv/tools", "/opt/tools"))).build().imageMounts()).hasSize(1);
    }

    @Test
    void theImageAllowListAlwaysAdmitsTheDefaultImage() {
        SandboxConfig config = SandboxConfig.builder().defaultImage("base:1").allowedImages(List.of("tools:2")).build();
        assertThat(config.allowsImage("base:1")).isTrue();
        assertThat(config.allowsImage("tools:2")).isTrue();
        assertThat(config.allowsImage("other:3")).isFalse();
        assertThat(SandboxConfig.defaults().allowsImage("anything:1")).isTrue();
        assertThatThrownBy(() -> SandboxConfig.builder().user("sandbox").build()).isInstanceOf(IllegalArgumentException.class);
    }
}
