package dev.opencomputer.sandbox;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes as configuration writes it: {@code 1024}, {@code 512B}, {@code 64KB}, {@code 256MB},
 * {@code 8GB}, {@code 1TB} (binary multiples, like Spring's {@code DataSize}, whose text form it reads and
 * writes, so that {@code opencomputer.sandbox.*} keeps its syntax without this module depending on Spring).
 *
 * @param bytes the size, never negative
 */
public record ByteSize(long bytes) implements Comparable<ByteSize> {

    private static final Pattern TEXT = Pattern.compile("^([+]?\\d+)\\s*([a-zA-Z]{0,2})$");

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size must not be negative: " + bytes);
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKilobytes(long kilobytes) {
        return new ByteSize(Math.multiplyExact(kilobytes, 1024L));
    }

    public static ByteSize ofMegabytes(long megabytes) {
        return new ByteSize(Math.multiplyExact(megabytes, 1024L * 1024));
    }

    public static ByteSize ofGigabytes(long gigabytes) {
        return new ByteSize(Math.multiplyExact(gigabytes, 1024L * 1024 * 1024));
    }

    /** Reads {@code <digits>[B|KB|MB|GB|TB]} (unit case ignored; no unit means bytes). */
    public static ByteSize parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 512B, 64KB, 256MB or 8GB");
        }
        long amount = Long.parseLong(m.group(1).replace("+", ""));
        long unit = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 1L;
            case "KB" -> 1024L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            case "TB" -> 1024L * 1024 * 1024 * 1024;
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit; use B, KB, MB, GB or TB");
        };
        return new ByteSize(Math.multiplyExact(amount, unit));
    }

    /** The same as {@link #parse}; the name configuration binders look for to turn text into a value. */
    public static ByteSize valueOf(String text) {
        return parse(text);
    }

    public long toBytes() {
        return bytes;
    }

    @Override
    public int compareTo(ByteSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** {@code <bytes>B}, as Spring's {@code DataSize} prints it (messages quote it). */
    @Override
    public String toString() {
        return bytes + "B";
    }
}
