package dev.opencomputer.testing;

/**
 * The real Docker Engine API endpoint and local images that {@code bin/test} prepares
 * (Docker when present, otherwise Podman's compatible service). Never a mock.
 */
public final class TestEngine {

    private TestEngine() {
    }

    /** The engine endpoint, from {@code DOCKER_HOST}; fails with a clear message when unset. */
    public static String dockerHost() {
        return require("DOCKER_HOST");
    }

    /** A tiny local image with a static busybox shell at /bin/sh; never pulled from a registry. */
    public static String busyboxImage() {
        return orDefault("OC_TEST_SANDBOX_IMAGE", "localhost/opencomputer-sandbox-bb:latest");
    }

    /**
     * A local image that gets bash, git, python and java from the host's {@code /usr}, which a
     * test must bind-mount read-only at {@code /usr}.
     */
    public static String hostUsrImage() {
        return orDefault("OC_TEST_HOSTUSR_IMAGE", "localhost/opencomputer-sandbox-hostusr:latest");
    }

    /**
     * The directory {@code bin/test} installs the reference MCP servers into from npm
     * ({@code bin/lib/mcp.sh}); a test bind-mounts it read-only at {@code /opt/mcp} in sandboxes of
     * the host-{@code /usr} image.
     */
    public static String mcpServersDir() {
        return require("OC_TEST_MCP_DIR");
    }

    /**
     * The hostusr image plus the ACP agents ({@code claude-agent-acp}) under {@code /opt/opencomputer},
     * built by {@code bin/test}; it too needs the host's {@code /usr} mounted read-only at {@code /usr}.
     */
    public static String acpImage() {
        return orDefault("OC_TEST_ACP_IMAGE", "localhost/opencomputer-sandbox-acp:latest");
    }

    /**
     * The hostusr image plus {@code codex-acp} (its native binary from npm) and its launcher under
     * {@code /opt/opencomputer}, built by {@code bin/test}; it too needs the host's {@code /usr} mounted
     * read-only at {@code /usr}.
     */
    public static String codexImage() {
        return orDefault("OC_TEST_CODEX_IMAGE", "localhost/opencomputer-sandbox-codex:latest");
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the tests with bin/test, which starts a "
                    + "Docker Engine API (Docker or Podman) and builds the local test images");
        }
        return value;
    }

    private static String orDefault(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
