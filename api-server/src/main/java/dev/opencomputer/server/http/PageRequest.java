package dev.opencomputer.server.http;

import dev.opencomputer.server.problems.ParameterInvalidException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A validated {@code ?limit=&cursor=} pair. Cursors are opaque to clients (base64 of the last id
 * seen); ids are time-ordered, so "older than the cursor" is the next page.
 *
 * @param limit  how many items at most (1..200, default 20)
 * @param before the id the page starts after, or null for the first page
 */
public record PageRequest(int limit, String before) {

    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 200;

    /** Parses raw query values; a bad limit or a cursor that is not ours is a 400 problem. */
    public static PageRequest parse(String limit, String cursor, Predicate<String> validId) {
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw new ParameterInvalidException("limit", "limit must be an integer from 1 to " + MAX_LIMIT);
            }
        }
        String before = null;
        if (cursor != null) {
            try {
                before = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                before = null;
            }
            if (before == null || !validId.test(before)) {
                throw new ParameterInvalidException("cursor", "cursor is not one this API returned");
            }
        }
        return new PageRequest(size, before);
    }

    /** Builds the page from up to {@code limit + 1} rows fetched newest first. */
    public <T> Page<T> page(List<T> rowsPlusOne, Function<T, String> id) {
        if (rowsPlusOne.size() <= limit) {
            return new Page<>(rowsPlusOne, null);
        }
        List<T> data = rowsPlusOne.subList(0, limit);
        String last = id.apply(data.get(limit - 1));
        return new Page<>(List.copyOf(data),
                Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
    }
}
