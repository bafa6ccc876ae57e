package dev.opencomputer.eventlog;

import dev.opencomputer.session.EphemeralEvent;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * The log of every session: append-only, with a gapless {@code seq} per session (1, 2, 3, …) that
 * equals commit order, so that readers paging by {@code seq} never miss an event committed later
 * with a lower number. Every method is safe to call from many threads; appends to different
 * sessions proceed in parallel.
 *
 * <p>Appends block until the events are committed (durably, as far as the database is
 * configured to be) and may be grouped with other appends into one transaction; they never join
 * a transaction of the caller. Appending also keeps the session's status (the fold of its log,
 * see {@link dev.opencomputer.session.SessionStatus#after}) and {@code last_seq} up to date in
 * the same transaction.
 */
public interface EventLog {

    /**
     * Creates session {@code session} and appends its first events, which must begin with a
     * {@link dev.opencomputer.session.SessionStarted}, in one transaction (which joins the
     * caller's Spring-managed transaction on the same {@code DataSource}, if any).
     *
     * @throws SessionAlreadyExistsException when a session with that id exists
     */
    List<LoggedEvent> create(NewSession session, List<? extends SessionEvent> firstEvents);

    /**
     * Appends one event.
     *
     * @throws SessionNotFoundException when the session does not exist
     * @throws EventTooLargeException when the event's data exceeds the configured size
     */
    default LoggedEvent append(SessionId session, SessionEvent event) {
        return append(session, List.of(event)).getFirst();
    }

    /**
     * Appends {@code events} atomically and contiguously: they get consecutive seqs, in list
     * order, and are visible all at once or not at all.
     *
     * @throws SessionNotFoundException when the session does not exist
     * @throws EventTooLargeException when an event's data exceeds the configured size
     */
    List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events);

    /**
     * Appends like {@link #append(SessionId, List)}, but only while the session's lease still has
     * {@code fencingToken}, checked in the appending transaction: a worker that lost its lease
     * (another worker claimed the session, raising the token) cannot append.
     *
     * @throws StaleFencingTokenException when the session's fencing token is no longer {@code fencingToken}
     * @throws SessionNotFoundException when the session does not exist
     */
    List<LoggedEvent> append(SessionId session, List<? extends SessionEvent> events, long fencingToken);

    /**
     * Appends to several sessions at once: each session's events as by {@link #append(SessionId, List)}
     * (atomically, contiguously), all of them possibly in one commit. A session that cannot take its
     * events fails alone, without failing the others.
     *
     * @return the failure of each session whose events were not appended (empty when all were)
     */
    default Map<SessionId, RuntimeException> appendEach(Map<SessionId, ? extends List<? extends SessionEvent>> events) {
        Map<SessionId, RuntimeException> failures = new java.util.LinkedHashMap<>();
        events.forEach((session, list) -> {
            try {
                append(session, list);
            } catch (RuntimeException e) {
                failures.put(session, e);
            }
        });
        return failures;
    }

    /**
     * At most {@code limit} events of {@code session} with a seq greater than {@code afterSeq},
     * in seq order. Empty for an unknown session or when nothing follows {@code afterSeq}.
     */
    List<LoggedEvent> readAfter(SessionId session, long afterSeq, int limit);

    /**
     * A page of {@code session}'s events after {@code afterSeq} for a reader that must not hold
     * more than about {@code maxBytes} of event data: at most {@code limit} events, and past the
     * first (which is always included, however large, so that a reader makes progress) only while
     * their data, as JSON, stays within {@code maxBytes}. {@link EventPage#more()} tells whether
     * events follow. The default reads by count alone; implementations bound the read itself.
     */
    default EventPage readPage(SessionId session, long afterSeq, int limit, long maxBytes) {
        List<LoggedEvent> events = readAfter(session, afterSeq, limit + 1);
        boolean more = events.size() > limit;
        return new EventPage(more ? events.subList(0, limit) : events, more);
    }

    /**
     * Every event of {@code session} whose type is one of {@code types}, in seq order, for folds that
     * need a few types of a long log (its live configuration, say). Empty for an unknown session.
     * The default pages through {@link #readAfter}; implementations that can filter in the store
     * override it.
     */
    default List<LoggedEvent> readOfTypes(SessionId session, Set<Class<? extends SessionEvent>> types) {
        List<LoggedEvent> matching = new ArrayList<>();
        long after = 0;
        while (true) {
            List<LoggedEvent> page = readAfter(session, after, 1000);
            for (LoggedEvent e : page) {
                if (types.contains(e.event().getClass())) {
                    matching.add(e);
                }
            }
            if (page.size() < 1000) {
                return matching;
            }
            after = page.getLast().seq();
        }
    }

    /**
     * The events whose type is one of {@code types} that {@code tenant}'s sessions appended before
     * {@code to}, for folds over a tenant's sessions in the window {@code [from, to)} (usage): of every
     * session created before {@code to} that changed at or after {@code from} or is still pending or
     * running. Ordered by session id, then seq; one snapshot.
     *
     * @throws UnsupportedOperationException when this log cannot read across sessions (the default)
     */
    default List<LoggedEvent> readTenantWindow(TenantId tenant, Instant from, Instant to,
                                               Set<Class<? extends SessionEvent>> types) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot read across sessions");
    }

    /**
     * The events of {@link #readTenantWindow}, in the same order and snapshot, handed to {@code each}
     * one at a time as they are read, so that a fold over a long window (a year of usage) never holds
     * them all. The default reads the whole list first; implementations stream.
     */
    default void forEachInTenantWindow(TenantId tenant, Instant from, Instant to,
                                       Set<Class<? extends SessionEvent>> types,
                                       java.util.function.Consumer<? super LoggedEvent> each) {
        readTenantWindow(tenant, from, to, types).forEach(each);
    }

    /**
     * A live view of {@code session}: every stored event with a seq greater than
     * {@code afterSeq}, exactly once and in seq order, first those already stored and then those
     * appended later on any replica sharing the database, interleaved with the ephemeral events
     * published on this replica while subscribed. Each call of {@code subscribe} on the returned
     * publisher is an independent subscription that honours demand: a subscriber that requests
     * nothing holds no events in memory and never slows appends. Cancelling frees the
     * subscription. The publisher completes only when this log is closed.
     */
    Flow.Publisher<StreamItem> subscribe(SessionId session, long afterSeq);

    /**
     * Like {@link #subscribe}, but delivers lists of up to {@code maxBatch} items: whatever is
     * ready at that moment (a page of a catch-up read, the events one commit added), so that a
     * transport can write and flush them at once. Demand counts lists. A list is never empty.
     * The default delivers lists of one item (implementations that can do better override it).
     */
    default Flow.Publisher<List<StreamItem>> subscribeInBatches(SessionId session, long afterSeq, int maxBatch) {
        Flow.Publisher<StreamItem> items = subscribe(session, afterSeq);
        return subscriber -> items.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(StreamItem item) {
                subscriber.onNext(List.of(item));
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    /**
     * Hands {@code event} to the live subscribers of {@code session} on this replica, after the
     * stored events they already know of. Never stored; a subscriber that is far behind or
     * slow may miss ephemeral events.
     */
    void publish(SessionId session, EphemeralEvent event);
}
