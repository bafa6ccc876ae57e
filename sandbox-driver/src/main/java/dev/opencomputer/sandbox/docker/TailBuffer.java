package dev.opencomputer.sandbox.docker;

import dev.opencomputer.sandbox.CapturedOutput;

/** Keeps the last {@code capacity} bytes of a stream in a ring, and counts them all. */
final class TailBuffer {

    private final byte[] ring;
    private int next;
    private boolean wrapped;
    private long total;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    synchronized void append(byte[] bytes) {
        total += bytes.length;
        int offset = Math.max(0, bytes.length - ring.length);
        int length = bytes.length - offset;
        int first = Math.min(length, ring.length - next);
        System.arraycopy(bytes, offset, ring, next, first);
        System.arraycopy(bytes, offset + first, ring, 0, length - first);
        if (next + length >= ring.length) {
            wrapped = true;
        }
        next = (next + length) % ring.length;
    }

    synchronized CapturedOutput snapshot() {
        if (!wrapped) {
            return new CapturedOutput(java.util.Arrays.copyOf(ring, next), total);
        }
        byte[] tail = new byte[ring.length];
        System.arraycopy(ring, next, tail, 0, ring.length - next);
        System.arraycopy(ring, 0, tail, ring.length - next, next);
        return new CapturedOutput(tail, total);
    }
}
