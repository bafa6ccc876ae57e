package dev.opencomputer.sdk.secrets;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import java.util.Map;

/**
 * The tenant's secrets ({@code /v1/secrets}), e.g. the model keys agents name as their
 * {@code credential}. Values are write-only: no call ever returns one, and the SDK never logs
 * request bodies. Needs a tenant API key, except {@link #keyring()} and {@link #rewrap()}, which
 * need the operator key. Thread-safe.
 */
public final class Secrets {

    private static final String PATH = "/v1/secrets";
    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.secrets()}. */
    public Secrets(Transport transport) {
        this.transport = transport;
    }

    /**
     * Creates the secret, or replaces its value (the version goes up by one, {@code createdAt}
     * stays). Idempotent in effect — the same value twice leaves the same value — so it is retried
     * like a read.
     *
     * @param name  1–128 characters: a letter, then letters, digits, {@code _ - .}; case-sensitive
     * @param value non-empty, at most 64 KB of UTF-8 by default
     * @return the secret; {@code version() == 1} when this call created it
     * @throws dev.opencomputer.sdk.ValidationException for a bad name ({@code name}) or value ({@code value})
     */
    public Secret put(String name, String value) {
        return transport.put(path(name), Map.of("value", java.util.Objects.requireNonNull(value, "value")),
                Secret.class);
    }

    /** @throws dev.opencomputer.sdk.NotFoundException when there is no such secret in this tenant */
    public Secret get(String name) {
        return transport.get(path(name), Secret.class);
    }

    /** The tenant's secrets <em>ordered by name</em> (not newest first), all pages. */
    public Listing<Secret> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<Secret> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, Secret.class), params);
    }

    /**
     * Deletes the secret. Agents that name it keep their credential; their next model call fails.
     *
     * @throws dev.opencomputer.sdk.NotFoundException when there is no such secret in this tenant
     */
    public void delete(String name) {
        transport.delete(path(name));
    }

    /** The master keyring and what uses each version (operator key). */
    public Keyring keyring() {
        return transport.get("/v1/admin/secrets/keyring", Keyring.class);
    }

    /**
     * Re-wraps every secret's data key with the active master key version (operator key). Safe to
     * run while the server serves, and to repeat.
     */
    public RewrapReport rewrap() {
        return transport.post("/v1/admin/secrets/rewrap", null, RewrapReport.class, RequestOptions.DEFAULT);
    }

    private static String path(String name) {
        return PATH + "/" + Transport.segment(name);
    }
}
