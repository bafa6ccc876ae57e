package dev.opencomputer.sdk.sse;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;

/**
 * Parses one connection's event stream per the HTML Living Standard ("Interpreting an event
 * stream"): lines end in CR, LF or CRLF; a leading BOM is dropped; {@code :} starts a comment; one
 * space after the colon is dropped; {@code data} lines accumulate; a blank line dispatches; an event
 * without data is not dispatched (but its {@code id} still counts); an {@code id} containing NUL is
 * ignored; {@code retry} takes only ASCII digits; unknown fields are ignored; a last event that the
 * stream ends before its blank line is discarded. Not thread-safe.
 */
final class SseParser {

    private final Reader in;
    private final Runnable onLine;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private boolean afterCarriageReturn;
    private boolean first = true;

    private String lastEventId;
    private String idBuffer;
    private String eventType = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private Duration retry;

    /**
     * @param lastEventId the id the previous connection ended with ("" if none), which events of
     *                    this connection inherit until the server sends another
     * @param onLine      told about every complete line, comments included (liveness)
     */
    SseParser(Reader in, String lastEventId, Runnable onLine) {
        this.in = in;
        this.onLine = onLine;
        this.lastEventId = lastEventId == null ? "" : lastEventId;
        this.idBuffer = this.lastEventId;
    }

    /** The next event, or null when the stream ended. */
    ServerSentEvent next() throws IOException {
        String line;
        while ((line = readLine()) != null) {
            onLine.run();
            ServerSentEvent event = line.isEmpty() ? dispatch() : field(line);
            if (event != null) {
                return event;
            }
        }
        return null;
    }

    /** The id of the last dispatched event (what {@code Last-Event-ID} carries on reconnect). */
    String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time the server last asked for, or null. */
    Duration retry() {
        return retry;
    }

    private ServerSentEvent field(String line) {
        if (line.charAt(0) == ':') {
            return null;
        }
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int start = colon + 1;
            if (start < line.length() && line.charAt(start) == ' ') {
                start++;
            }
            value = line.substring(start);
        }
        switch (name) {
            case "event" -> eventType = value;
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    idBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        retry = Duration.ofMillis(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        // more digits than a long holds: ignored like any invalid value
                    }
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
        return null;
    }

    private ServerSentEvent dispatch() {
        lastEventId = idBuffer;
        if (!hasData) {
            eventType = "";
            return null;
        }
        data.setLength(data.length() - 1);
        var event = new ServerSentEvent(lastEventId, eventType.isEmpty() ? "message" : eventType, data.toString());
        data.setLength(0);
        hasData = false;
        eventType = "";
        return event;
    }

    /** The next complete line without its terminator, or null at the end (dropping an unterminated tail). */
    private String readLine() throws IOException {
        StringBuilder line = null;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return null;
                }
                if (first) {
                    first = false;
                    if (buffer[0] == '\uFEFF') {
                        position = 1;
                        continue;
                    }
                }
            }
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            if (position == limit) {
                line = (line == null ? new StringBuilder() : line).append(buffer, start, position - start);
                continue;
            }
            String text = line == null ? new String(buffer, start, position - start)
                    : line.append(buffer, start, position - start).toString();
            afterCarriageReturn = buffer[position] == '\r';
            position++;
            return text;
        }
    }
}
