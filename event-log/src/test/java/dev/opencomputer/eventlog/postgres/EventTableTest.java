package dev.opencomputer.eventlog.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.session.SessionId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTableTest {

    @Test
    void oneTransactionsLastSeqsFitInOneNotifyPayload() {
        SessionId a = SessionId.next(Instant.EPOCH);
        SessionId b = SessionId.next(Instant.EPOCH);
        Map<SessionId, Long> seqs = new LinkedHashMap<>();
        seqs.put(a, 12L);
        seqs.put(b, 3L);
        List<String> payloads = EventTable.payloads(seqs);
        assertThat(payloads).containsExactly(a + ":12 " + b + ":3");
        assertThat(EventTable.parsePayload(payloads.getFirst())).isEqualTo(seqs);
    }

    @Test
    void manySessionsAreSplitIntoPayloadsBelowPostgresLimit() {
        Map<SessionId, Long> seqs = new LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            seqs.put(SessionId.next(Instant.EPOCH), (long) i + 1);
        }
        List<String> payloads = EventTable.payloads(seqs);
        assertThat(payloads).hasSizeGreaterThan(1).allMatch(p -> p.length() < 8000);
        Map<SessionId, Long> parsed = new LinkedHashMap<>();
        payloads.forEach(p -> parsed.putAll(EventTable.parsePayload(p)));
        assertThat(parsed).isEqualTo(seqs);
    }

    @Test
    void malformedPayloadsAreSkippedNotFatal() {
        SessionId a = SessionId.next(Instant.EPOCH);
        assertThat(EventTable.parsePayload("garbage " + a + ":x " + a + ":5 :3")).isEqualTo(Map.of(a, 5L));
        assertThat(EventTable.parsePayload(null)).isEmpty();
    }
}
