package dev.opencomputer.sdk.sessions;

import java.util.List;

/**
 * One page of a session's log, in seq order.
 *
 * @param data       the events (stored ones; a type this SDK does not know is an {@link UnknownEvent})
 * @param nextCursor the seq to pass as {@code afterSeq} for the next page — also when this page is
 *                   empty, so that a client can poll with it
 * @param hasMore    whether more events were stored already when the page was read
 */
public record EventPage(List<SessionEvent> data, long nextCursor, boolean hasMore) {

    public EventPage {
        data = data == null ? List.of() : List.copyOf(data);
    }
}
