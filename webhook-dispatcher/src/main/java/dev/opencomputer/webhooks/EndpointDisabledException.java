package dev.opencomputer.webhooks;

/** A retry or recovery for an endpoint that is disabled: re-enable it first ({@code PATCH {"disabled": false}}). */
public class EndpointDisabledException extends RuntimeException {

    private final String endpointId;

    public EndpointDisabledException(String endpointId) {
        super("webhook endpoint " + endpointId + " is disabled; re-enable it with PATCH {\"disabled\": false} first");
        this.endpointId = endpointId;
    }

    public String endpointId() {
        return endpointId;
    }
}
