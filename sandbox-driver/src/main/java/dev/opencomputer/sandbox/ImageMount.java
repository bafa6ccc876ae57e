package dev.opencomputer.sandbox;

/**
 * An operator-configured read-only bind mount added to every sandbox of an image, e.g. the host's
 * {@code /usr} for an image that borrows its tools from the host.
 *
 * @param image  the image reference exactly as sandboxes name it, or {@code *} for every image
 * @param source absolute path on the engine's host
 * @param target absolute path in the sandbox; never {@code /workspace} or below
 */
public record ImageMount(String image, String source, String target) {

    public ImageMount {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("image-mounts: image is required (or '*')");
        }
        if (source == null || !source.startsWith("/") || target == null || !target.startsWith("/")) {
            throw new IllegalArgumentException("image-mounts: source and target must be absolute paths");
        }
        if (target.equals(WorkspacePath.ROOT) || target.startsWith(WorkspacePath.ROOT + "/") || target.equals("/")) {
            throw new IllegalArgumentException("image-mounts: cannot mount over / or " + WorkspacePath.ROOT);
        }
        String s = source.toLowerCase(java.util.Locale.ROOT);
        if (s.endsWith(".sock") || s.contains("docker") || s.contains("podman") || s.contains("containerd")) {
            throw new IllegalArgumentException("image-mounts: " + source + " looks like container-engine state; "
                    + "the engine socket must never be reachable from a sandbox");
        }
    }

    /** Whether this mount applies to sandboxes of {@code image}. */
    public boolean appliesTo(String image) {
        return this.image.equals("*") || this.image.equals(image);
    }

    /** The bind in engine syntax, always read-only. */
    public String bind() {
        return source + ":" + target + ":ro";
    }
}
