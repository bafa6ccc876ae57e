package dev.opencomputer.webhooks;

/** No such webhook endpoint for the tenant (another tenant's is just as missing). */
public class EndpointNotFoundException extends RuntimeException {

    private final String id;

    public EndpointNotFoundException(String id) {
        super("webhook endpoint " + id + " not found");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
