package dev.opencomputer.sdk.usage;

import dev.opencomputer.sdk.internal.Transport;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The calling tenant's usage ({@code GET /v1/usage}). Needs a tenant API key. Thread-safe. */
public final class Usage {

    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.usage()}. */
    public Usage(Transport transport) {
        this.transport = transport;
    }

    /** The last 30 days. */
    public UsageReport get() {
        return get(null, null);
    }

    /**
     * Usage in {@code [from, to)}; a null {@code to} is now, a null {@code from} 30 days before
     * {@code to}. At most 366 days.
     *
     * @throws dev.opencomputer.sdk.BadRequestException for an empty or too long range
     */
    public UsageReport get(Instant from, Instant to) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        return transport.get("/v1/usage" + Transport.query(query), UsageReport.class);
    }
}
