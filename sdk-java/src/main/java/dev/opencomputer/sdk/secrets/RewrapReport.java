package dev.opencomputer.sdk.secrets;

import java.util.List;
import java.util.Map;

/**
 * What a master key rotation did.
 *
 * @param rewrapped how many secrets now use the active version
 * @param failed    secrets whose data key could not be unwrapped, with the reason
 */
public record RewrapReport(int activeKeyVersion, long rewrapped, List<Failure> failed,
        Map<Integer, Long> secretsByKeyVersion) {

    public RewrapReport {
        failed = failed == null ? List.of() : List.copyOf(failed);
    }

    /** A secret the rewrap could not move. */
    public record Failure(String tenantId, String name, String reason) {
    }
}
