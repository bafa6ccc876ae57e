package dev.opencomputer.sandbox;

/**
 * A file path is not acceptable: malformed, climbing out of {@code /workspace} with {@code ..}, absolute
 * outside it, or leading out of it through a symbolic link.
 */
public class WorkspacePathRejectedException extends SandboxException {

    private final String path;

    public WorkspacePathRejectedException(String path, String reason) {
        super("path " + printable(path) + " rejected: " + reason);
        this.path = path;
    }

    public String path() {
        return path;
    }

    private static String printable(String path) {
        if (path == null) {
            return "(none)";
        }
        StringBuilder b = new StringBuilder("\"");
        path.codePoints().limit(200).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return b.append(path.length() > 200 ? "...\"" : "\"").toString();
    }
}
