package dev.opencomputer.brain;

import dev.opencomputer.sandbox.OutputKind;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.session.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Listens to a running command: streams its output live as {@link CommandOutput} ephemeral events
 * (decoded as UTF-8 per stream, a character split between two chunks kept whole) and keeps the
 * tail of its stdout and stderr interleaved as they arrived, which the model gets as the result.
 * Called by the driver's single output thread of the execution.
 */
final class CommandTranscript implements OutputListener {

    private final String callId;
    private final Consumer<CommandOutput> publisher;
    private final int limit;
    private final Utf8Stream stdout = new Utf8Stream();
    private final Utf8Stream stderr = new Utf8Stream();
    private byte[] tail;
    private int length;
    private long total;

    CommandTranscript(String callId, int limit, Consumer<CommandOutput> publisher) {
        this.callId = callId;
        this.limit = limit;
        this.publisher = publisher;
        this.tail = new byte[Math.min(limit, 4096)];
    }

    @Override
    public void onOutput(OutputKind kind, byte[] chunk) {
        synchronized (this) {
            keep(chunk);
        }
        String text = (kind == OutputKind.STDERR ? stderr : stdout).decode(chunk);
        if (!text.isEmpty()) {
            publisher.accept(new CommandOutput(callId, kind == OutputKind.STDERR ? "stderr" : "stdout", text));
        }
    }

    private void keep(byte[] chunk) {
        total += chunk.length;
        if (chunk.length >= limit) {
            tail = Arrays.copyOfRange(chunk, chunk.length - limit, chunk.length);
            length = limit;
            return;
        }
        if (length + chunk.length > tail.length) {
            int needed = Math.min(limit, length + chunk.length);
            if (needed > tail.length) {
                tail = Arrays.copyOf(tail, Math.min(limit, Math.max(needed, tail.length * 2)));
            }
            int drop = Math.max(0, length + chunk.length - tail.length);
            System.arraycopy(tail, drop, tail, 0, length - drop);
            length -= drop;
        }
        System.arraycopy(chunk, 0, tail, length, chunk.length);
        length += chunk.length;
    }

    /** The last output (at most the limit), as text; a character cut at the start shows as U+FFFD. */
    synchronized String tail() {
        return new String(tail, 0, length, StandardCharsets.UTF_8);
    }

    /** Whether earlier output was dropped from {@link #tail()}. */
    synchronized boolean truncated() {
        return total > length;
    }

    /** Decodes one stream chunk by chunk, holding back an incomplete character until its next chunk. */
    private static final class Utf8Stream {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private byte[] pending = new byte[0];

        String decode(byte[] chunk) {
            ByteBuffer in = ByteBuffer.allocate(pending.length + chunk.length);
            in.put(pending).put(chunk).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, false);
            pending = new byte[in.remaining()];
            in.get(pending);
            return out.flip().toString();
        }
    }
}
