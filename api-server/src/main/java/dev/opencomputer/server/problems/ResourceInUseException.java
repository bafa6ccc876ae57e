package dev.opencomputer.server.problems;

import java.util.List;

/**
 * A resource that live agents or sessions still use cannot be deleted without {@code ?force=true}:
 * deleting it would make them fail later, silently. Carries who uses it.
 */
public class ResourceInUseException extends RuntimeException {

    private final List<String> usedBy;

    public ResourceInUseException(String kind, String id, List<String> usedBy) {
        super(kind + " " + id + " is used by " + String.join(", ", usedBy)
                + "; change or close those first, or delete with ?force=true");
        this.usedBy = List.copyOf(usedBy);
    }

    public List<String> usedBy() {
        return usedBy;
    }
}
