package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ApiKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The keys the gateway revealed lately, per session and credential, for {@link #TTL}: an agent's turn
 * makes many model calls in a row, and each audited reveal from the secret store costs about as much
 * as the gateway's whole added latency target. A key is revealed (and audited) at most once per
 * session and credential per {@link #TTL}; a replaced secret reaches calls within it. An entry past
 * its time is wiped when the next reveal passes by; nothing holds a key of a session whose token is
 * revoked longer than that, since its calls are refused before they get here.
 */
final class KeyCache {

    /** How long a revealed key is reused. */
    static final Duration TTL = Duration.ofSeconds(30);

    private record Entry(char[] key, long expires) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlNanos;

    KeyCache() {
        this(TTL);
    }

    KeyCache(Duration ttl) {
        this.ttlNanos = ttl.toNanos();
    }

    /**
     * A copy of the key of {@code session}'s {@code credential} (the caller closes it), revealed with
     * {@code reveal} when no fresh one is held; null when {@code reveal} gives none.
     */
    <E extends Exception> ApiKey get(String session, String credential, RevealFn<E> reveal) throws E {
        long now = System.nanoTime();
        evictExpired(now);
        String id = session + "\u0000" + credential;
        Entry held = entries.get(id);
        if (held != null && now - held.expires() < 0) {
            return ApiKey.of(held.key());
        }
        ApiKey revealed = reveal.reveal();
        if (revealed == null) {
            return null;
        }
        char[] copy = revealed.reveal().toCharArray();
        Entry old = entries.put(id, new Entry(copy, now + ttlNanos));
        if (old != null) {
            Arrays.fill(old.key(), '\0');
        }
        return revealed;
    }

    /** Forgets (and wipes) what is held for {@code session}. */
    void forget(String session) {
        entries.entrySet().removeIf(e -> {
            if (e.getKey().startsWith(session + "\u0000")) {
                Arrays.fill(e.getValue().key(), '\0');
                return true;
            }
            return false;
        });
    }

    int size() {
        return entries.size();
    }

    private void evictExpired(long now) {
        entries.entrySet().removeIf(e -> {
            if (now - e.getValue().expires() >= 0) {
                Arrays.fill(e.getValue().key(), '\0');
                return true;
            }
            return false;
        });
    }

    @FunctionalInterface
    interface RevealFn<E extends Exception> {
        ApiKey reveal() throws E;
    }
}
