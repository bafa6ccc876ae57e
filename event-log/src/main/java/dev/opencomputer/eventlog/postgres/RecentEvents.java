package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import java.util.List;

/**
 * The last few stored events of one session, contiguous by seq, so that the subscribers of a
 * session are served from one read of the table instead of one read each. Thread-safe.
 */
final class RecentEvents {

    private final StreamItem[] items;
    private long firstSeq = 1;
    private int size;
    private int start;

    RecentEvents(int capacity) {
        this.items = new StreamItem[capacity];
    }

    /** Adds events that must directly follow the last one held (the first add may start anywhere). */
    synchronized void addAll(List<StreamItem> added) {
        for (StreamItem item : added) {
            if (size > 0 && item.seq() != firstSeq + size) {
                // Not contiguous (cannot happen while one pump fills this): start over from here.
                size = 0;
                start = 0;
            }
            if (size == 0) {
                firstSeq = item.seq();
            }
            if (size < items.length) {
                items[(start + size) % items.length] = item;
                size++;
            } else {
                items[start] = item;
                start = (start + 1) % items.length;
                firstSeq++;
            }
        }
    }

    /**
     * Copies into {@code out} up to {@code max} events that follow {@code afterSeq}, when the
     * event right after it is held; returns how many were copied (0 when it is not held).
     */
    synchronized int copyAfter(long afterSeq, StreamItem[] out, int max) {
        long from = afterSeq + 1;
        if (size == 0 || from < firstSeq || from >= firstSeq + size) {
            return 0;
        }
        int offset = (int) (from - firstSeq);
        int count = Math.min(max, size - offset);
        for (int k = 0; k < count; k++) {
            out[k] = items[(start + offset + k) % items.length];
        }
        return count;
    }
}
