package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.eventlog.StreamItem;
import dev.opencomputer.session.SessionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private static final SessionId SESSION = SessionId.next(Instant.EPOCH);

    @Test
    void servesTheEventsAfterACursorWhileTheyAreHeld() {
        RecentEvents recent = new RecentEvents(4, Long.MAX_VALUE);
        recent.addAll(items(5, 7));
        assertThat(copy(recent, 4, 10)).containsExactly(5L, 6L, 7L);
        assertThat(copy(recent, 6, 10)).containsExactly(7L);
        assertThat(copy(recent, 5, 1)).containsExactly(6L);
        assertThat(copy(recent, 7, 10)).isEmpty();
        assertThat(copy(recent, 3, 10)).as("5 is held but 4 is not").isEmpty();
    }

    @Test
    void forgetsTheOldestWhenFull() {
        RecentEvents recent = new RecentEvents(4, Long.MAX_VALUE);
        recent.addAll(items(1, 3));
        recent.addAll(items(4, 6));
        assertThat(copy(recent, 2, 10)).containsExactly(3L, 4L, 5L, 6L);
        assertThat(copy(recent, 1, 10)).isEmpty();
    }

    @Test
    void keepsNoMoreBytesThanItsBoundButAlwaysTheNewestEvent() {
        RecentEvents recent = new RecentEvents(100, 5); // each item's JSON is 2 bytes
        recent.addAll(items(1, 3));
        assertThat(copy(recent, 0, 10)).as("6 bytes are over 5").isEmpty();
        assertThat(copy(recent, 1, 10)).containsExactly(2L, 3L);
        recent.addAll(items(4, 4));
        assertThat(copy(recent, 2, 10)).containsExactly(3L, 4L);
        RecentEvents tiny = new RecentEvents(100, 1);
        tiny.addAll(items(1, 2));
        assertThat(copy(tiny, 1, 10)).as("the newest stays, however large").containsExactly(2L);
    }

    @Test
    void startsOverWhenHandedEventsThatDoNotFollow() {
        RecentEvents recent = new RecentEvents(4, Long.MAX_VALUE);
        recent.addAll(items(1, 2));
        recent.addAll(items(9, 9));
        assertThat(copy(recent, 8, 10)).containsExactly(9L);
        assertThat(copy(recent, 0, 10)).isEmpty();
    }

    private static List<StreamItem> items(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(seq -> StreamItem.lazy(SESSION, seq, "x.y", new byte[] {(byte) 123, (byte) 125}, () -> null)).toList();
    }

    private static List<Long> copy(RecentEvents recent, long after, int max) {
        StreamItem[] out = new StreamItem[max];
        int n = recent.copyAfter(after, out, max);
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seqs.add(out[i].seq());
        }
        return seqs;
    }
}
