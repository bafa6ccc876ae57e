package dev.opencomputer.sdk.github;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.Listing;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.internal.Transport;
import java.util.Objects;

/**
 * The calling tenant's GitHub triggers ({@code /v1/github/triggers}). Needs a tenant API key.
 * Thread-safe. The inbound hook ({@code POST /v1/github/hooks/{id}}) is GitHub's to call, not yours.
 */
public final class GithubTriggers {

    private static final String PATH = "/v1/github/triggers";

    private final Transport transport;

    /** For {@link dev.opencomputer.sdk.OpenComputer}; applications use {@code oc.githubTriggers()}. */
    public GithubTriggers(Transport transport) {
        this.transport = transport;
    }

    /**
     * Creates a trigger; the answer is the only one that carries its {@code webhookSecret}.
     *
     * @throws dev.opencomputer.sdk.ValidationException for a bad repository, an unknown agent or credential
     */
    public GithubTrigger create(GithubTriggerRequest request) {
        return transport.post(PATH, Objects.requireNonNull(request, "request"), GithubTrigger.class,
                RequestOptions.DEFAULT);
    }

    public GithubTrigger get(String id) {
        return transport.get(path(id), GithubTrigger.class);
    }

    /** The tenant's triggers, newest first, all pages. */
    public Listing<GithubTrigger> list() {
        return list(ListParams.DEFAULT);
    }

    public Listing<GithubTrigger> list(ListParams params) {
        return Listing.of(p -> transport.page(PATH, p, GithubTrigger.class), params);
    }

    /**
     * Changes the fields of {@code change} that are not null (a JSON merge patch); the repository,
     * agent and credential are checked again.
     */
    public GithubTrigger update(String id, GithubTriggerChange change) {
        return transport.patch(path(id), Objects.requireNonNull(change, "change"), "application/merge-patch+json",
                GithubTrigger.class);
    }

    public void delete(String id) {
        transport.delete(path(id));
    }

    private static String path(String id) {
        return PATH + "/" + Transport.segment(id);
    }
}
