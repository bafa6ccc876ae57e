package dev.opencomputer.sdk;

/**
 * Where a list starts and how many items each page fetches.
 *
 * @param limit  items per page, 1..200; null for the server's default (20)
 * @param cursor a {@link Page#nextCursor()} to start from, or null for the first page
 */
public record ListParams(Integer limit, String cursor) {

    /** The server's page size, from the first page. */
    public static final ListParams DEFAULT = new ListParams(null, null);

    public ListParams {
        if (limit != null && (limit < 1 || limit > 200)) {
            throw new IllegalArgumentException("limit must be from 1 to 200");
        }
    }

    /** Pages of {@code limit} items, from the first page. */
    public static ListParams limit(int limit) {
        return new ListParams(limit, null);
    }

    /** These parameters starting at {@code cursor} instead. */
    public ListParams withCursor(String cursor) {
        return new ListParams(limit, cursor);
    }
}
