package dev.opencomputer.sdk.agents;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import java.util.List;

/**
 * The tenant's agents ({@code /v1/agents}); needs a tenant API key. Thread-safe. Another tenant's
 * agent is reported as {@link dev.opencomputer.sdk.NotFoundException}, exactly like a missing one.
 */
public final class Agents {

    private static final String PATH = "/v1/agents";
    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.agents()}. */
    public Agents(Transport transport) {
        this.transport = transport;
    }

    public Agent create(CreateAgentRequest request) {
        return create(request, RequestOptions.DEFAULT);
    }

    /**
     * Creates version 1 of a new agent. Idempotent per idempotency key: a retry within 24 hours
     * returns the first agent instead of creating a second one (or failing on the taken name).
     *
     * @throws dev.opencomputer.sdk.ValidationException listing every broken rule
     * @throws dev.opencomputer.sdk.ConflictException   when a live agent already has the name
     */
    public Agent create(CreateAgentRequest request, RequestOptions options) {
        return transport.post(PATH, request, Agent.class, options);
    }

    /** The current version of a live agent. */
    public Agent get(String id) {
        return transport.get(path(id), Agent.class);
    }

    /** The tenant's live agents (current versions), newest first, all pages. */
    public Listing<Agent> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<Agent> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, Agent.class), params);
    }

    /**
     * Applies a merge patch and returns the new current version (the previous version + 1).
     * Not idempotent: sending the same patch twice makes two versions, so the client retries it
     * only when the server surely did not apply it.
     *
     * @throws dev.opencomputer.sdk.ValidationException when the patched agent breaks a rule; nothing changes
     */
    public Agent update(String id, UpdateAgentRequest request) {
        return transport.patch(path(id), request.toJson(), "application/merge-patch+json", Agent.class);
    }

    /**
     * Deletes the agent: its name is free again; its versions stay readable through
     * {@link #version(String, int)} for the sessions that pinned them.
     */
    public void delete(String id) {
        transport.delete(path(id));
    }

    /** Every version of a live agent, newest first. */
    public List<Agent> versions(String id) {
        return transport.getList(path(id) + "/versions", Agent.class);
    }

    /** One version of an agent; still readable after the agent was deleted. */
    public Agent version(String id, int version) {
        return transport.get(path(id) + "/versions/" + version, Agent.class);
    }

    private static String path(String id) {
        return PATH + "/" + Transport.segment(id);
    }
}
