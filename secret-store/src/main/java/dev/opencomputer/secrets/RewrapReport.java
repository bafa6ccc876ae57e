package dev.opencomputer.secrets;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@link SecretStore#rewrap()}.
 *
 * @param activeVersion       the master key version the secrets were re-wrapped to
 * @param rewrapped           how many secrets moved to it in this run
 * @param failed              secrets whose data key could not be unwrapped (tenant and name), left as they were
 * @param secretsByKeyVersion how many secrets each master key version wraps after the run
 */
public record RewrapReport(int activeVersion, long rewrapped, List<FailedSecret> failed, Map<Integer, Long> secretsByKeyVersion) {

    public RewrapReport {
        failed = List.copyOf(failed);
        secretsByKeyVersion = Map.copyOf(Objects.requireNonNull(secretsByKeyVersion, "secretsByKeyVersion"));
    }

    /** A secret that {@link SecretStore#rewrap()} could not move. */
    public record FailedSecret(String tenant, SecretName name, String reason) {
    }
}
