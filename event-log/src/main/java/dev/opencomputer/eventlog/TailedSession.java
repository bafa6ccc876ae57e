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
     * One stored event; its wire JSON ({@code {seq, sessionId, type, time, data}}) is rendered
     * when first asked for, so a consumer that skips an event never pays for it.
     */
    public static final class Event {

        private final long seq;
        private final String type;
        private final Instant time;
        private final java.util.function.Supplier<String> render;
        private String json;

        public Event(long seq, String type, Instant time, java.util.function.Supplier<String> render) {
            this.seq = seq;
            this.type = type;
            this.time = time;
            this.render = render;
        }

        public long seq() {
            return seq;
        }

        public String type() {
            return type;
        }

        public Instant time() {
            return time;
        }

        /** The event exactly as the log serves it. Not thread-safe. */
        public String json() {
            if (json == null) {
                json = render.get();
            }
            return json;
        }
    }
}
