package dev.opencomputer.sdk.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

    private static List<ServerSentEvent> parse(String stream) throws IOException {
        return parse(new StringReader(stream), "");
    }

    private static List<ServerSentEvent> parse(Reader reader, String lastEventId) throws IOException {
        var parser = new SseParser(reader, lastEventId, () -> { });
        var events = new ArrayList<ServerSentEvent>();
        ServerSentEvent event;
        while ((event = parser.next()) != null) {
            events.add(event);
        }
        return events;
    }

    /** Hands out one character per read, so every line ending straddles a read boundary. */
    private static Reader trickling(String text) {
        return new Reader() {
            private int at;

            @Override
            public int read(char[] buf, int off, int len) {
                if (at == text.length()) {
                    return -1;
                }
                buf[off] = text.charAt(at++);
                return 1;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void joinsDataLinesWithNewlinesAndDefaultsTheTypeToMessage() throws IOException {
        assertThat(parse("data: first\ndata: second\ndata\n\n"))
                .containsExactly(new ServerSentEvent("", "message", "first\nsecond\n"));
    }

    @Test
    void acceptsLfCrAndCrLfLineEndingsEvenWhenSplitAcrossReads() throws IOException {
        String stream = "event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n";
        var expected = List.of(new ServerSentEvent("", "a", "1"), new ServerSentEvent("", "b", "2"),
                new ServerSentEvent("", "c", "3"));
        assertThat(parse(stream)).isEqualTo(expected);
        assertThat(parse(trickling(stream), "")).isEqualTo(expected);
    }

    @Test
    void dropsOneLeadingSpaceAndALeadingByteOrderMarkButNothingElse() throws IOException {
        assertThat(parse("\uFEFFdata:  two spaces\ndata:none\n\n"))
                .containsExactly(new ServerSentEvent("", "message", " two spaces\nnone"));
    }

    @Test
    void ignoresCommentsUnknownFieldsAndInvalidRetries() throws IOException {
        var parser = new SseParser(new StringReader(": heartbeat\nfoo: bar\nretry: 1x\ndata: x\n\n"), "", () -> { });
        assertThat(parser.next()).isEqualTo(new ServerSentEvent("", "message", "x"));
        assertThat(parser.retry()).isNull();
    }

    @Test
    void takesRetryAsMilliseconds() throws IOException {
        var parser = new SseParser(new StringReader("retry: 2500\n\n"), "", () -> { });
        assertThat(parser.next()).isNull();
        assertThat(parser.retry()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void eventsWithoutAnIdInheritTheLastOneAndAnIdWithNulIsIgnored() throws IOException {
        assertThat(parse("id: 7\ndata: a\n\ndata: b\n\nid: 8\u0000\ndata: c\n\nid\ndata: d\n\n"))
                .containsExactly(new ServerSentEvent("7", "message", "a"), new ServerSentEvent("7", "message", "b"),
                        new ServerSentEvent("7", "message", "c"), new ServerSentEvent("", "message", "d"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedButItsIdCounts() throws IOException {
        var parser = new SseParser(new StringReader("id: 41\nevent: ping\n\n"), "40", () -> { });
        assertThat(parser.next()).isNull();
        assertThat(parser.lastEventId()).isEqualTo("41");
    }

    @Test
    void aNewConnectionInheritsTheIdThePreviousOneEndedWith() throws IOException {
        assertThat(parse(new StringReader("data: x\n\n"), "12"))
                .containsExactly(new ServerSentEvent("12", "message", "x"));
    }

    @Test
    void anEventCutOffBeforeItsBlankLineIsDiscarded() throws IOException {
        assertThat(parse("data: whole\n\ndata: cut off\n")).containsExactly(
                new ServerSentEvent("", "message", "whole"));
        assertThat(parse("data: whole\n\ndata: cut")).hasSize(1);
    }

    @Test
    void aFieldNameWithoutAColonHasAnEmptyValue() throws IOException {
        assertThat(parse("data\ndata\n\n")).containsExactly(new ServerSentEvent("", "message", "\n"));
    }

    @Test
    void reportsEveryLineIncludingCommentsAsActivity() throws IOException {
        int[] lines = {0};
        var parser = new SseParser(new StringReader(": a\n: b\ndata: c\n\n"), "", () -> lines[0]++);
        parser.next();
        assertThat(lines[0]).isEqualTo(4);
    }
}
