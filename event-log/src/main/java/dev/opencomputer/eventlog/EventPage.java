package dev.opencomputer.eventlog;

import dev.opencomputer.session.LoggedEvent;
import java.util.List;

/**
 * A page of one session's log, bounded by count and by bytes (see {@link EventLog#readPage}).
 *
 * @param events the events, in seq order and contiguous
 * @param more   whether an event follows the last one of the page (as of the read): the page
 *               stopped at its count or its bytes, not at the end of the log
 */
public record EventPage(List<LoggedEvent> events, boolean more) {

    public EventPage {
        events = List.copyOf(events);
    }
}
