package dev.opencomputer.eventlog;

/** An event's data is larger than {@link EventLogProperties#maxEventSize()}. */
public class EventTooLargeException extends RuntimeException {

    private final String type;
    private final long size;
    private final long limit;

    public EventTooLargeException(String type, long size, long limit) {
        super("event " + type + " has " + size + " bytes of data, more than the limit of " + limit);
        this.type = type;
        this.size = size;
        this.limit = limit;
    }

    public String type() {
        return type;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
