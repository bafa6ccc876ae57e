package dev.opencomputer.sdk.sessions;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * One event of a session: a {@link StoredEvent} of its log (with a {@code seq}), an
 * {@link EphemeralEvent} streamed live and never stored, or an {@link UnknownEvent} of a type this
 * SDK does not know yet (a newer server), kept whole instead of failing. Switch over it
 * exhaustively:
 *
 * <pre>{@code
 * switch (event) {
 *     case AgentDelta d -> System.out.print(d.text());
 *     case CommandExited c -> System.out.println("exit " + c.exitCode());
 *     case StoredEvent s -> System.out.println(s.seq() + " " + s.type());
 *     case EphemeralEvent e -> { }
 *     case UnknownEvent u -> System.out.println("new kind of event: " + u.type());
 * }
 * }</pre>
 *
 * <p>The wire format and the meaning of each type are in {@code docs/events.md}. Events are
 * immutable records; unknown fields of a known type are ignored.
 */
public sealed interface SessionEvent permits StoredEvent, EphemeralEvent, UnknownEvent {

    /** The wire name, {@code domain.action}, e.g. {@code command.exited}. */
    String type();

    String sessionId();

    /** When the event was appended (or, for an ephemeral one, published). */
    Instant time();

    /** The event's position in the log; empty for an ephemeral event. */
    OptionalLong position();
}
