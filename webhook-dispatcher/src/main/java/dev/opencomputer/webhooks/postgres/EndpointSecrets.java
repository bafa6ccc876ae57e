package dev.opencomputer.webhooks.postgres;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretNotFoundException;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.webhooks.Signatures;
import dev.opencomputer.webhooks.SigningSecret;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signing secrets in the secret store, encrypted: secret {@code <endpoint id>.v<version>} of the
 * tenant's webhook namespace {@code webhooks:<tenant id>} (kept apart from the secrets the tenant
 * manages through {@code /v1/secrets}). A dispatcher reveals each version once (audited) and then
 * keeps the key in memory, its HMAC initialised once; versions never change, so the cache never
 * goes stale.
 */
final class EndpointSecrets {

    private final SecretStore store;
    private final String who;
    private final Map<String, Signatures.Key> keys = new ConcurrentHashMap<>();

    EndpointSecrets(SecretStore store, String who) {
        this.store = store;
        this.who = who;
    }

    static String namespace(String tenant) {
        return "webhooks:" + tenant;
    }

    private static SecretName name(String endpointId, int version) {
        return SecretName.parse(endpointId + ".v" + version);
    }

    void put(String tenant, String endpointId, int version, SigningSecret secret) {
        SecretValue value = SecretValue.of(secret.reveal());
        try {
            store.put(namespace(tenant), name(endpointId, version), value);
        } finally {
            value.destroy();
        }
    }

    void delete(String tenant, String endpointId, int version) {
        keys.remove(endpointId + ".v" + version);
        store.delete(namespace(tenant), name(endpointId, version));
    }

    /** The keys that sign now: the current version, and the previous one during the overlap. */
    List<Signatures.Key> signing(String tenant, String endpointId, int version, Instant previousUntil, Instant now) {
        List<Signatures.Key> signing = new ArrayList<>(2);
        signing.add(key(tenant, endpointId, version));
        if (version > 1 && previousUntil != null && now.isBefore(previousUntil)) {
            try {
                signing.add(key(tenant, endpointId, version - 1));
            } catch (SecretNotFoundException e) {
                // removed already: the new secret alone signs
            }
        }
        return signing;
    }

    private Signatures.Key key(String tenant, String endpointId, int version) {
        return keys.computeIfAbsent(endpointId + ".v" + version, ignored -> {
            SecretValue value = store.reveal(namespace(tenant), name(endpointId, version), who);
            try {
                return Signatures.Key.of(SigningSecret.parse(value.plaintext()).key());
            } finally {
                value.destroy();
            }
        });
    }
}
