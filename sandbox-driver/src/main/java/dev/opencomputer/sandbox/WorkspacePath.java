package dev.opencomputer.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A file path inside a sandbox's workspace, lexically confined to {@code /workspace}: given either
 * relative to it ({@code src/app.py}) or absolute under it ({@code /workspace/src/app.py}). Parsing
 * rejects {@code ..}, absolute paths elsewhere and control characters; the driver additionally rejects
 * paths that leave the workspace through a symbolic link when it touches the file.
 *
 * @param relative the normalised path below {@code /workspace}, without leading or trailing slash; never empty
 */
public record WorkspacePath(String relative) {

    /** Where every sandbox's workspace volume is mounted. */
    public static final String ROOT = "/workspace";

    private static final int MAX_LENGTH = 4096;
    private static final int MAX_NAME_LENGTH = 255;

    public WorkspacePath {
        if (!relative.equals(normalise(relative))) {
            throw new WorkspacePathRejectedException(relative, "not a normalised workspace path");
        }
    }

    /** Parses an untrusted path; throws {@link WorkspacePathRejectedException} when it is not confined to the workspace. */
    public static WorkspacePath parse(String path) {
        return new WorkspacePath(normalise(path));
    }

    private static String normalise(String path) {
        if (path == null || path.isBlank()) {
            throw new WorkspacePathRejectedException(path, "empty");
        }
        if (path.length() > MAX_LENGTH) {
            throw new WorkspacePathRejectedException(path, "longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new WorkspacePathRejectedException(path, "contains a control character");
            }
        }
        String rest = path;
        if (rest.startsWith("/")) {
            if (!(rest.equals(ROOT) || rest.startsWith(ROOT + "/"))) {
                throw new WorkspacePathRejectedException(path, "absolute paths must be under " + ROOT);
            }
            rest = rest.substring(ROOT.length());
        }
        List<String> names = new ArrayList<>();
        for (String name : rest.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                throw new WorkspacePathRejectedException(path, "'..' is not allowed");
            }
            if (name.length() > MAX_NAME_LENGTH) {
                throw new WorkspacePathRejectedException(path, "a name is longer than " + MAX_NAME_LENGTH + " characters");
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new WorkspacePathRejectedException(path, "names the workspace itself, not a file in it");
        }
        return String.join("/", names);
    }

    /** The absolute path inside the container, e.g. {@code /workspace/src/app.py}. */
    public String absolute() {
        return ROOT + "/" + relative;
    }

    /** The last name of the path. */
    public String fileName() {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? relative : relative.substring(slash + 1);
    }

    @Override
    public String toString() {
        return absolute();
    }
}
