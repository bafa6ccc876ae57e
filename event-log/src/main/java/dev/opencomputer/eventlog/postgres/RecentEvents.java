package dev.opencomputer.eventlog.postgres;

import dev.opencomputer.eventlog.StreamItem;
import java.util.List;

/**
 * The last few stored events of one session, contiguous by seq, so that the subscribers of a
 * session are served from one read of the table instead of one read each: at most
 * {@code capacity} events and, past the newest, at most {@code maxBytes} of their wire JSON (a
 * subscriber further behind reads the table, a bounded page at a time). One writer (the
 * feed's pump) publishes immutable snapshots; any number of readers copy from the current
 * snapshot without locking.
 */
final class RecentEvents {

    /** {@code items[i]} has seq {@code firstSeq + i}. */
    private record Snapshot(long firstSeq, StreamItem[] items) {
    }

    private final int capacity;
    private final long maxBytes;
    private volatile Snapshot snapshot = new Snapshot(1, new StreamItem[0]);

    RecentEvents(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** Adds events that must directly follow the last one held (the first add may start anywhere). */
    synchronized void addAll(List<StreamItem> added) {
        if (added.isEmpty()) {
            return;
        }
        Snapshot current = snapshot;
        StreamItem[] kept = current.items();
        long first = current.firstSeq();
        if (kept.length > 0 && added.getFirst().seq() != first + kept.length) {
            kept = new StreamItem[0]; // not contiguous (cannot happen while one pump fills this): start over
        }
        if (kept.length == 0) {
            first = added.getFirst().seq();
        }
        int total = Math.min(capacity, kept.length + added.size());
        // fewer when their bytes are over the bound: count back from the newest, which always stays
        long bytes = 0;
        for (int i = 0; i < total; i++) {
            int back = kept.length + added.size() - 1 - i;
            StreamItem item = back >= kept.length ? added.get(back - kept.length) : kept[back];
            bytes += item.jsonLength();
            if (i > 0 && bytes > maxBytes) {
                total = i;
                break;
            }
        }
        int fromKept = Math.max(0, total - added.size());
        StreamItem[] items = new StreamItem[total];
        System.arraycopy(kept, kept.length - fromKept, items, 0, fromKept);
        int fromAdded = total - fromKept;
        for (int i = 0; i < fromAdded; i++) {
            StreamItem item = added.get(added.size() - fromAdded + i);
            items[fromKept + i] = item;
        }
        long newFirst = items[total - 1].seq() - (total - 1);
        snapshot = new Snapshot(newFirst, items);
    }

    /**
     * Copies into {@code out} up to {@code max} events that follow {@code afterSeq}, when the
     * event right after it is held; returns how many were copied (0 when it is not held).
     */
    int copyAfter(long afterSeq, StreamItem[] out, int max) {
        Snapshot current = snapshot;
        long from = afterSeq + 1;
        int size = current.items().length;
        if (size == 0 || from < current.firstSeq() || from >= current.firstSeq() + size) {
            return 0;
        }
        int offset = (int) (from - current.firstSeq());
        int count = Math.min(max, size - offset);
        System.arraycopy(current.items(), offset, out, 0, count);
        return count;
    }
}
