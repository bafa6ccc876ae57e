package dev.opencomputer.sdk;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list, in the server's order (newest first).
 *
 * @param data       the items of this page
 * @param nextCursor the cursor of the next page; null on the last page
 */
public record Page<T>(List<T> data, String nextCursor) {

    public Page {
        data = data == null ? List.of() : List.copyOf(data);
    }

    /** Whether another page follows this one. */
    public boolean hasNext() {
        return nextCursor != null;
    }

    /** The parameters that fetch the next page with the same page size, if there is one. */
    public Optional<ListParams> nextParams(ListParams current) {
        return hasNext() ? Optional.of(current.withCursor(nextCursor)) : Optional.empty();
    }
}
