package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.KeyringStatus;
import dev.opencomputer.secrets.RewrapReport;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.auth.Caller;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/admin/secrets}: master key rotation for the operator. The keyring itself is
 * configuration (docs/operations.md); these endpoints show what uses which version and re-wrap
 * every secret to the active one.
 */
@RestController
@RequestMapping("/v1/admin/secrets")
class MasterKeysController {

    /** The keyring as configured and what uses it; never key material. */
    record KeyringResponse(int activeKeyVersion, SortedSet<Integer> configuredVersions,
            Map<Integer, Long> secretsByKeyVersion) {
    }

    /** The outcome of a rewrap. */
    record RewrapResponse(int activeKeyVersion, long rewrapped, List<Failed> failed,
            Map<Integer, Long> secretsByKeyVersion) {
    }

    /** A secret the rewrap could not move (its data key did not unwrap). */
    record Failed(String tenantId, String name, String reason) {
    }

    private final SecretStore secrets;

    MasterKeysController(SecretStore secrets) {
        this.secrets = secrets;
    }

    @GetMapping("/keyring")
    KeyringResponse keyring(Caller caller) {
        caller.requireOperator();
        KeyringStatus status = secrets.verifyKeyring();
        return new KeyringResponse(status.activeVersion(), status.configuredVersions(),
                new TreeMap<>(status.secretsByKeyVersion()));
    }

    @PostMapping("/rewrap")
    RewrapResponse rewrap(Caller caller) {
        caller.requireOperator();
        RewrapReport report = secrets.rewrap();
        return new RewrapResponse(report.activeVersion(), report.rewrapped(),
                report.failed().stream().map(f -> new Failed(f.tenant(), f.name().value(), f.reason())).toList(),
                new TreeMap<>(report.secretsByKeyVersion()));
    }
}
