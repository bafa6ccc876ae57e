package dev.opencomputer.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkspacePathTest {

    @Test
    void acceptsRelativeAndAbsoluteWorkspacePathsAndNormalisesThem() {
        assertThat(WorkspacePath.parse("src/app.py").absolute()).isEqualTo("/workspace/src/app.py");
        assertThat(WorkspacePath.parse("/workspace/src/app.py").relative()).isEqualTo("src/app.py");
        assertThat(WorkspacePath.parse("./src//./app.py/").relative()).isEqualTo("src/app.py");
        assertThat(WorkspacePath.parse("a b/ü.txt").fileName()).isEqualTo("ü.txt");
    }

    @Test
    void rejectsClimbingOutWithDotDot() {
        assertThatThrownBy(() -> WorkspacePath.parse("../etc/passwd")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("a/../../etc")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("/workspace/../etc/passwd"))
                .isInstanceOf(WorkspacePathRejectedException.class);
    }

    @Test
    void rejectsAbsolutePathsOutsideTheWorkspace() {
        assertThatThrownBy(() -> WorkspacePath.parse("/etc/passwd")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("/workspacex/a")).isInstanceOf(WorkspacePathRejectedException.class);
    }

    @Test
    void rejectsTheWorkspaceItselfEmptyPathsAndControlCharacters() {
        assertThatThrownBy(() -> WorkspacePath.parse("/workspace")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("a\nb")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> WorkspacePath.parse("a\0b")).isInstanceOf(WorkspacePathRejectedException.class);
        assertThatThrownBy(() -> new WorkspacePath("a/../b")).isInstanceOf(WorkspacePathRejectedException.class);
    }
}
