package dev.opencomputer.session;

import java.time.Instant;

/**
 * What a subscriber to a session receives: stored events ({@link LoggedEvent}, with a seq) and
 * ephemeral ones ({@link UnloggedEvent}, without). On the wire both are
 * {@code {seq?, sessionId, type, time, data}}.
 */
public sealed interface StreamedEvent permits LoggedEvent, UnloggedEvent {

    SessionId sessionId();

    /** When it happened (for a stored event: when it was appended). */
    Instant time();

    /** The wire name, {@code domain.action}. */
    String type();
}
