package dev.opencomputer.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The host paths an operator's image mount may never expose to a sandbox: the host's root, its
 * kernel and device interfaces, its configuration, the engine's runtime state and socket, and every
 * parent of those (mounting {@code /var} would expose {@code /var/run}). A source is checked as
 * written and, when it exists on this host, after resolving symbolic links.
 */
final class HostPaths {

    /** Refused themselves, below them, and as any of their parents. */
    private static final List<String> PROTECTED = List.of("/proc", "/sys", "/dev", "/etc", "/run", "/var/run",
            "/boot", "/root", "/var/lib/docker", "/var/lib/containers", "/var/lib/containerd", "/var/lib/kubelet");

    private HostPaths() {
    }

    /** Rejects a mount source that would expose the host; the message names the rule. */
    static void checkSource(String source) {
        for (String candidate : forms(source)) {
            String why = exposure(candidate);
            if (why != null) {
                throw new IllegalArgumentException("image-mounts: source " + source
                        + (candidate.equals(source) ? "" : " (" + candidate + ")") + " " + why
                        + "; a sandbox must never see the host's root, /proc, /sys, /dev, /etc, /run or the engine's state");
            }
        }
    }

    /** Rejects mounts whose source is the engine's socket or one of its parent directories. */
    static void checkMounts(List<ImageMount> mounts, String dockerHost) {
        if (dockerHost == null || !dockerHost.startsWith("unix://")) {
            return;
        }
        Set<String> sockets = forms(dockerHost.substring("unix://".length()));
        for (ImageMount mount : mounts) {
            for (String source : forms(mount.source())) {
                for (String socket : sockets) {
                    if (socket.equals(source) || socket.startsWith(source.equals("/") ? "/" : source + "/")) {
                        throw new IllegalArgumentException("image-mounts: source " + mount.source()
                                + " contains the container engine's socket " + socket
                                + "; the engine socket must never be reachable from a sandbox");
                    }
                }
            }
        }
    }

    private static String exposure(String path) {
        if (path.equals("/")) {
            return "is the host's root";
        }
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".sock") || lower.contains("docker") || lower.contains("podman")
                || lower.contains("containerd")) {
            return "looks like container-engine state";
        }
        for (String p : PROTECTED) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return "is " + (path.equals(p) ? "" : "inside ") + p;
            }
            if (p.startsWith(path + "/")) {
                return "contains " + p;
            }
        }
        return null;
    }

    /** The path as written (normalised) and, when it exists here, with its links resolved. */
    private static Set<String> forms(String path) {
        Set<String> forms = new LinkedHashSet<>();
        Path written = Path.of(path).normalize();
        forms.add(written.toString());
        try {
            if (Files.exists(written)) {
                forms.add(written.toRealPath().toString());
            }
        } catch (IOException | SecurityException e) {
            // unreadable here: the written form is all we can judge
        }
        return forms;
    }
}
