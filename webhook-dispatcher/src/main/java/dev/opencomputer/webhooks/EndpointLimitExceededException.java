package dev.opencomputer.webhooks;

/** The tenant has as many endpoints as its tier allows. */
public class EndpointLimitExceededException extends RuntimeException {

    private final int max;

    public EndpointLimitExceededException(int max) {
        super("the tenant already has " + max + " webhook endpoints, the most its tier allows");
        this.max = max;
    }

    public int max() {
        return max;
    }
}
