package dev.opencomputer.sandbox;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What is kept of one output stream: its last bytes (at most the configured tail size) and how much
 * there was in all.
 *
 * @param tail       the last bytes of the stream
 * @param totalBytes every byte the stream carried
 */
public record CapturedOutput(byte[] tail, long totalBytes) {

    public static final CapturedOutput EMPTY = new CapturedOutput(new byte[0], 0);

    public CapturedOutput {
        tail = tail.clone();
    }

    @Override
    public byte[] tail() {
        return tail.clone();
    }

    /** Whether the beginning of the stream was dropped. */
    public boolean truncated() {
        return totalBytes > tail.length;
    }

    /** The tail as UTF-8 text; invalid sequences (such as a character cut in two by truncation) become U+FFFD. */
    public String text() {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(tail)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapturedOutput other && totalBytes == other.totalBytes && Arrays.equals(tail, other.tail);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tail) + Long.hashCode(totalBytes);
    }

    @Override
    public String toString() {
        return "CapturedOutput[" + totalBytes + " bytes, tail " + tail.length + "]";
    }
}
