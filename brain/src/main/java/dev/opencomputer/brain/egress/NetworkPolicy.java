package dev.opencomputer.brain.egress;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a session's sandbox may reach: nothing ({@link Mode#NONE}, the default), the hosts of an
 * allow-list ({@link Mode#ALLOWLIST}), or any public host ({@link Mode#OPEN}, only where the
 * operator allows it). Whatever the mode, the operator's deny-list wins ({@link AddressRules}).
 *
 * <p>An allow entry is {@code host}, {@code *.domain} (any name under {@code domain}, not
 * {@code domain} itself) or either with {@code :port}; without a port it allows 80 and 443 only.
 * Names compare case-insensitively, without a trailing dot. Immutable.
 *
 * @param mode  the mode
 * @param allow the allow-list (empty unless {@code mode} is {@link Mode#ALLOWLIST}), normalised
 */
public record NetworkPolicy(Mode mode, List<String> allow) {

    /** No network at all. */
    public static final NetworkPolicy NONE = new NetworkPolicy(Mode.NONE, List.of());
    /** The most entries an allow-list may have. */
    public static final int MAX_ENTRIES = 200;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    /** The three modes, by their wire names. */
    public enum Mode {
        NONE, ALLOWLIST, OPEN;

        /** The wire name: {@code none}, {@code allowlist}, {@code open}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The mode named {@code wire}, if any. */
        public static Optional<Mode> parse(String wire) {
            for (Mode mode : values()) {
                if (mode.wire().equals(wire)) {
                    return Optional.of(mode);
                }
            }
            return Optional.empty();
        }
    }

    public NetworkPolicy {
        Objects.requireNonNull(mode, "mode");
        allow = allow == null ? List.of() : List.copyOf(allow);
    }

    /**
     * The policy of {@code mode} and {@code allow} as a client sent them, or the first reason it is
     * not one (a null mode is an error; {@code allow} only with {@code allowlist}).
     */
    public static NetworkPolicy parse(String mode, List<String> allow) {
        Mode parsed = Mode.parse(mode).orElseThrow(() -> new IllegalArgumentException(
                "mode must be one of \"none\", \"allowlist\", \"open\""));
        List<String> entries = allow == null ? List.of() : allow;
        if (parsed != Mode.ALLOWLIST && !entries.isEmpty()) {
            throw new IllegalArgumentException("allow is only for mode \"allowlist\"");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("allow may have at most " + MAX_ENTRIES + " entries");
        }
        LinkedHashSet<String> normalised = new LinkedHashSet<>();
        for (String entry : entries) {
            normalised.add(Entry.parse(entry).toString());
        }
        return new NetworkPolicy(parsed, new ArrayList<>(normalised));
    }

    /** Whether this policy lets a connection to {@code host}:{@code port} through (before the address checks). */
    public boolean permits(String host, int port) {
        return switch (mode) {
            case NONE -> false;
            case OPEN -> true;
            case ALLOWLIST -> {
                String name = normalise(host);
                yield entries().stream().anyMatch(entry -> entry.matches(name, port));
            }
        };
    }

    /**
     * Why {@code narrower} (a session's) reaches something this policy (its agent's) does not, or
     * empty when it only narrows it: {@code none} narrows everything, {@code allowlist} narrows
     * {@code open} and an allow-list each of whose entries one of this list's entries covers.
     */
    public Optional<String> widenedBy(NetworkPolicy narrower) {
        if (narrower.mode == Mode.NONE || mode == Mode.OPEN) {
            return Optional.empty();
        }
        if (mode == Mode.NONE) {
            return Optional.of("the agent's network mode is \"none\"; a session may only narrow it");
        }
        if (narrower.mode == Mode.OPEN) {
            return Optional.of("the agent's network mode is \"allowlist\"; a session cannot open the network");
        }
        List<Entry> mine = entries();
        for (Entry entry : narrower.entries()) {
            if (mine.stream().noneMatch(m -> m.covers(entry))) {
                return Optional.of(entry + " is not within the agent's allow-list");
            }
        }
        return Optional.empty();
    }

    private List<Entry> entries() {
        return allow.stream().map(Entry::parse).toList();
    }

    static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    /** One allow entry: a name or {@code *.suffix}, with a port or null (80 and 443). */
    record Entry(String host, boolean wildcard, Integer port) {

        static Entry parse(String raw) {
            if (raw == null || raw.isBlank()) {
                throw new IllegalArgumentException("an allow entry must not be empty");
            }
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (s.contains("/") || s.contains("@")) {
                throw new IllegalArgumentException(raw + ": not a host name (use host, *.domain or host:port, "
                        + "without a scheme or path)");
            }
            Integer port = null;
            String host = s;
            int colon = s.lastIndexOf(':');
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException(raw + ": an IPv6 address needs its closing ']'");
                }
                host = s.substring(1, close);
                String rest = s.substring(close + 1);
                if (!rest.isEmpty()) {
                    if (!rest.startsWith(":")) {
                        throw new IllegalArgumentException(raw + ": expected ':port' after the address");
                    }
                    port = port(raw, rest.substring(1));
                }
                if (!host.matches("[0-9a-f:.]+")) {
                    throw new IllegalArgumentException(raw + ": not an IPv6 address");
                }
                return new Entry(host, false, port);
            }
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = port(raw, s.substring(colon + 1));
            }
            boolean wildcard = host.startsWith("*.");
            String name = normalise(wildcard ? host.substring(2) : host);
            String[] labels = name.split("\\.", -1);
            if (name.isEmpty() || name.length() > 253) {
                throw new IllegalArgumentException(raw + ": not a host name");
            }
            for (String label : labels) {
                if (!LABEL.matcher(label).matches()) {
                    throw new IllegalArgumentException(raw + ": not a host name (use host, *.domain or host:port)");
                }
            }
            if (wildcard && labels.length < 2) {
                throw new IllegalArgumentException(raw + ": a wildcard needs a domain of at least two labels");
            }
            return new Entry(name, wildcard, port);
        }

        private static int port(String raw, String port) {
            try {
                int p = Integer.parseInt(port);
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(raw + ": the port must be a number from 1 to 65535");
        }

        boolean matches(String name, int p) {
            boolean portOk = port == null ? p == 80 || p == 443 : port == p;
            return portOk && (wildcard ? name.endsWith("." + host) : name.equals(host));
        }

        boolean covers(Entry other) {
            boolean portOk = port == null ? other.port == null || other.port == 80 || other.port == 443
                    : Objects.equals(port, other.port);
            if (!portOk) {
                return false;
            }
            if (!wildcard) {
                return !other.wildcard && other.host.equals(host);
            }
            return other.host.endsWith("." + host);
        }

        @Override
        public String toString() {
            String h = host.contains(":") ? "[" + host + "]" : (wildcard ? "*." : "") + host;
            return port == null ? h : h + ":" + port;
        }
    }
}
