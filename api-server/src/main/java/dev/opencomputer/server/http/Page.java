package dev.opencomputer.server.http;

import java.util.List;

/**
 * One page of a list, newest first. {@code nextCursor} is absent on the last page; pass it back
 * as {@code ?cursor=} to get the next one.
 */
public record Page<T>(List<T> data, String nextCursor) {
}
