package dev.opencomputer.sandbox;

/**
 * An operator-configured read-only bind mount added to every sandbox of an image, e.g. the host's
 * {@code /usr} for an image that borrows its tools from the host.
 *
 * @param image  the image reference exactly as sandboxes name it, or {@code *} for every image
 * @param source absolute path on the engine's host; never the host's root, {@code /proc}, {@code /sys},
 *               {@code /dev}, {@code /etc}, {@code /run}, engine state or socket, nor a parent of one
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
        HostPaths.checkSource(source);
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
