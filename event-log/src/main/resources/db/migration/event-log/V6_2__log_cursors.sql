-- Durable cursors of the log's consumers (event-log module): for each named consumer (e.g. the
-- webhook dispatcher) and session, the seq up to which the consumer has taken the session's
-- events. Consumers read at least once: a cursor only moves after the consumer has stored what
-- it derived from the events before it.

CREATE TABLE log_cursors (
    consumer   text   NOT NULL,
    session_id text   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    seq        bigint NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (consumer, session_id)
);
