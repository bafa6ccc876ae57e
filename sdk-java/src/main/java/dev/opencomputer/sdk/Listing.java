package dev.opencomputer.sdk;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Every item of a paginated list, fetched lazily one page at a time as iteration reaches it.
 * Nothing is fetched until iteration starts; each {@link #iterator()} (and each {@link #stream()})
 * starts again from the first page. Items come in the server's order (newest first); within one
 * iteration no item appears twice, and an item created while iterating may or may not appear.
 * A failed page fetch (after the client's retries) throws from {@code hasNext()}.
 *
 * <p>A listing is immutable and may be shared between threads; each iterator belongs to one
 * thread.
 *
 * @param <T> the item type
 */
public final class Listing<T> implements Iterable<T> {

    private final Function<ListParams, Page<T>> fetch;
    private final ListParams start;

    private Listing(Function<ListParams, Page<T>> fetch, ListParams start) {
        this.fetch = fetch;
        this.start = start;
    }

    /**
     * A listing that fetches pages with {@code fetch}, starting at {@code start}. For resource
     * implementations; applications get listings from resources such as {@code oc.agents().list()}.
     */
    public static <T> Listing<T> of(Function<ListParams, Page<T>> fetch, ListParams start) {
        return new Listing<>(Objects.requireNonNull(fetch, "fetch"), Objects.requireNonNull(start, "start"));
    }

    /** Fetches just the first page. */
    public Page<T> firstPage() {
        return fetch.apply(start);
    }

    /** The pages themselves, fetched lazily; useful to remember a cursor between runs. */
    public Iterable<Page<T>> pages() {
        return () -> new Iterator<>() {
            private ListParams next = start;

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Page<T> next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                Page<T> page = fetch.apply(next);
                next = page.nextParams(next).orElse(null);
                return page;
            }
        };
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<Page<T>> pages = pages().iterator();
        return new Iterator<>() {
            private Iterator<T> items = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                // A page may be empty while a later one is not (e.g. items deleted meanwhile).
                while (!items.hasNext() && pages.hasNext()) {
                    items = pages.next().data().iterator();
                }
                return items.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return items.next();
            }
        };
    }

    /** The items as a sequential stream; pages are fetched as the stream is consumed. */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /** Every item in a list: fetches all pages now. */
    public java.util.List<T> toList() {
        return stream().toList();
    }
}
