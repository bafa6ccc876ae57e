package dev.opencomputer.eventlog;

import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.util.List;

/** Events of one session after a consumer's cursor ({@link LogTail#pending}), in seq order. */
public record TailedSession(SessionId sessionId, TenantId tenantId, AgentId agentId, List<Event> events) {

    public TailedSession {
        events = List.copyOf(events);
    }

    /** The seq of the last event here. */
    public long lastSeq() {
        return events.getLast().seq();
    }

    /**
     * One stored event as its wire JSON ({@code {seq, sessionId, type, time, data}}).
     *
     * @param json the event exactly as the log serves it
     */
    public record Event(long seq, String type, Instant time, String json) {
    }
}
