package dev.opencomputer.sdk.runtimes;

import dev.opencomputer.sdk.internal.Transport;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The runtimes an agent may use ({@code GET /v1/runtimes}). Needs a tenant API key. Thread-safe. */
public final class Runtimes {

    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.runtimes()}. */
    public Runtimes(Transport transport) {
        this.transport = transport;
    }

    /** Every runtime the server offers, {@code native} first. */
    public List<Runtime> list() {
        JsonNode answer = transport.get("/v1/runtimes", JsonNode.class);
        return transport.json().convertValue(answer.path("data"),
                transport.json().getTypeFactory().constructCollectionType(List.class, Runtime.class));
    }
}
