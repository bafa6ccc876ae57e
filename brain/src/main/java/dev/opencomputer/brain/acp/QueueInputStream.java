package dev.opencomputer.brain.acp;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An input stream fed by {@link #offer} from any thread, read by one (the engine's stdin pump). Unlike
 * {@link java.io.PipedInputStream} it does not break when a thread that wrote has ended, which
 * virtual threads do all the time. {@link #close()} ends it.
 */
public final class QueueInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private volatile boolean closed;

    public void offer(byte[] bytes) {
        if (!closed && bytes.length > 0) {
            chunks.add(bytes);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position >= current.length) {
            if (current == END) {
                return -1;
            }
            try {
                byte[] next = chunks.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    current = next;
                    position = 0;
                } else if (closed && chunks.isEmpty()) {
                    current = END;
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        closed = true;
        chunks.add(END);
    }
}
