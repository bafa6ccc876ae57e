package dev.opencomputer.webhooks;

/** No such webhook message for the tenant (another tenant's is just as missing). */
public class MessageNotFoundException extends RuntimeException {

    private final String id;

    public MessageNotFoundException(String id) {
        super("webhook message " + id + " not found");
        this.id = id;
    }

    public String id() {
        return id;
    }
}
