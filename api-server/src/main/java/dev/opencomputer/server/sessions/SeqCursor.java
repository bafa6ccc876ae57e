package dev.opencomputer.server.sessions;

import dev.opencomputer.server.problems.ParameterInvalidException;

/**
 * A position in a session's log: "the events after seq {@code after}". Comes from
 * {@code ?after=}, from {@code Last-Event-ID}, or from a page's {@code nextCursor}; 0 is the
 * beginning. Anything but a non-negative integer is a 400 problem.
 */
record SeqCursor(long after) {

    static SeqCursor parse(String parameter, String raw) {
        if (raw == null || raw.isBlank()) {
            return new SeqCursor(0);
        }
        String value = raw.strip();
        if (value.length() > 19 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ParameterInvalidException(parameter, parameter + " must be a non-negative integer seq");
        }
        return new SeqCursor(Long.parseLong(value));
    }
}
