package dev.opencomputer.server.http;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.ParameterInvalidException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes a POST safe to retry: the first request with an {@code Idempotency-Key} runs, its
 * response is stored for 24 hours and replayed (with {@code Idempotent-Replayed: true}) to any
 * retry with the same key and the same body. The same key with another body is a 422 problem; a
 * retry while the first is still running is a 409. Keys are scoped to the caller's tenant. A
 * response that carries a credential shown once (an API key, a signing secret) is stored and
 * replayed without it; {@link IdempotencyPurge} deletes keys after their 24 hours.
 *
 * <p>A key being run is a claim (a row without a status) that its process keeps alive: every
 * {@link #CLAIM_HEARTBEAT} {@link IdempotencyClaimHeartbeat} refreshes its {@code created_at}. A
 * claim not refreshed for {@link #CLAIM_ABANDONED} lost its process ({@code kill -9}, a crash, a
 * database outage while it ended): a retry takes it over and runs the request, where it used to
 * answer 409 {@code idempotency-key-in-use} for the key's whole 24 hours (found by the chaos loop,
 * docs/chaos.md). What the abandoned request had done before its process died stays done.
 */
@Component
public class Idempotency {

    public static final String HEADER = "Idempotency-Key";
    static final Duration RETENTION = Duration.ofHours(24);
    /** How often the claims of the requests this process runs are refreshed. */
    static final Duration CLAIM_HEARTBEAT = Duration.ofSeconds(5);
    /** A claim not refreshed this long is abandoned: a retry takes it over. */
    public static final Duration CLAIM_ABANDONED = Duration.ofSeconds(30);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    /** The claims of the requests running in this process, refreshed by the heartbeat. */
    private final Set<Claim> running = ConcurrentHashMap.newKeySet();

    private record Claim(String scope, String key) {
    }

    Idempotency(JdbcClient jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Runs {@code action} once per key. A failure of the action forgets the key, so the client
     * may retry it.
     *
     * @param key       the header value, or null to run without idempotency
     * @param operation names the endpoint, so one key cannot replay another endpoint's response
     * @param request   the parsed request body, compared on retries
     */
    public ResponseEntity<?> run(Caller caller, String key, String operation, Object request,
            Supplier<ResponseEntity<?>> action) {
        return run(caller, key, operation, request, action, UnaryOperator.identity());
    }

    /**
     * Like {@link #run(Caller, String, String, Object, Supplier)}, but stores (and so replays)
     * {@code storedForm} of the response body: a response carrying a secret shown once stores
     * itself without it, and a replay answers without it.
     */
    public ResponseEntity<?> run(Caller caller, String key, String operation, Object request,
            Supplier<ResponseEntity<?>> action, UnaryOperator<Object> storedForm) {
        return run(caller, key, operation, request, (earlier, remember) -> action.get(), storedForm);
    }

    /**
     * An action that creates something and can say so before it commits: it calls {@code remember}
     * with the id of what it is about to create; run again by a retry that took over the claim of a
     * process that died, it gets that id as {@code earlier} and answers with what exists under it
     * instead of creating it a second time.
     */
    @FunctionalInterface
    public interface Recoverable {
        ResponseEntity<?> run(Optional<String> earlier, Consumer<String> remember);
    }

    /** Like {@link #run(Caller, String, String, Object, Supplier)}, for an action that remembers its effect. */
    public ResponseEntity<?> run(Caller caller, String key, String operation, Object request, Recoverable action) {
        return run(caller, key, operation, request, action, UnaryOperator.identity());
    }

    private ResponseEntity<?> run(Caller caller, String key, String operation, Object request, Recoverable action,
            UnaryOperator<Object> storedForm) {
        if (key == null) {
            return action.run(Optional.empty(), effect -> { });
        }
        if (!KEY.matcher(key).matches()) {
            throw new ParameterInvalidException(HEADER, "Idempotency-Key must be 1 to 255 visible ASCII characters");
        }
        String scope = caller.scope();
        String fingerprint = fingerprint(operation, request);
        Instant now = clock.instant();
        jdbc.sql("delete from idempotency_keys where scope = ? and key = ? and created_at < ?")
                .params(scope, key, java.sql.Timestamp.from(now.minus(RETENTION))).update();
        int claimed = jdbc.sql("""
                insert into idempotency_keys (scope, key, fingerprint, created_at) values (?, ?, ?, ?)
                on conflict do nothing""")
                .params(scope, key, fingerprint, java.sql.Timestamp.from(now)).update();
        if (claimed == 0 && !takeOverAbandoned(scope, key, fingerprint)) {
            return replay(scope, key, fingerprint);
        }
        Optional<String> earlier = claimed == 0
                ? jdbc.sql("select effect from idempotency_keys where scope = ? and key = ?").params(scope, key)
                        .query(String.class).list().stream().filter(Objects::nonNull).findFirst()
                : Optional.empty();
        Claim claim = new Claim(scope, key);
        running.add(claim);
        ResponseEntity<?> response;
        try {
            response = action.run(earlier, effect -> jdbc.sql(
                    "update idempotency_keys set effect = ? where scope = ? and key = ?").params(effect, scope, key)
                    .update());
        } catch (RuntimeException e) {
            running.remove(claim);
            jdbc.sql("delete from idempotency_keys where scope = ? and key = ?").params(scope, key).update();
            throw e;
        }
        running.remove(claim);
        jdbc.sql("update idempotency_keys set status = ?, body = ? where scope = ? and key = ?")
                .params(response.getStatusCode().value(),
                        response.getBody() == null ? null : json.writeValueAsString(storedForm.apply(response.getBody())),
                        scope, key)
                .update();
        return response;
    }

    /**
     * Takes over a claim with the same fingerprint whose process stopped refreshing it; true when
     * this request now owns the key.
     */
    private boolean takeOverAbandoned(String scope, String key, String fingerprint) {
        Instant now = clock.instant();
        return jdbc.sql("""
                update idempotency_keys set created_at = ? where scope = ? and key = ? and fingerprint = ?
                  and status is null and created_at < ?""")
                .params(java.sql.Timestamp.from(now), scope, key, fingerprint,
                        java.sql.Timestamp.from(now.minus(CLAIM_ABANDONED)))
                .update() == 1;
    }

    /** Refreshes the claims of the requests running in this process (so no retry takes them over). */
    void refreshClaims() {
        java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
        for (Claim claim : running) {
            jdbc.sql("update idempotency_keys set created_at = ? where scope = ? and key = ? and status is null")
                    .params(now, claim.scope(), claim.key()).update();
        }
    }

    /** Deletes the keys older than their 24 hours, at most {@code batch} at a time; returns how many. */
    int purgeExpired(int batch) {
        return jdbc.sql("""
                delete from idempotency_keys where ctid in (
                    select ctid from idempotency_keys where created_at < ? limit ?)""")
                .params(java.sql.Timestamp.from(clock.instant().minus(RETENTION)), batch).update();
    }

    private ResponseEntity<?> replay(String scope, String key, String fingerprint) {
        record Stored(String fingerprint, Integer status, String body) {
        }
        Stored stored = jdbc.sql("select fingerprint, status, body from idempotency_keys where scope = ? and key = ?")
                .params(scope, key).query(Stored.class).optional()
                .orElseThrow(() -> new IdempotencyKeyInUseException(key));
        if (!stored.fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException(key);
        }
        if (stored.status() == null) {
            throw new IdempotencyKeyInUseException(key);
        }
        var builder = ResponseEntity.status(stored.status()).header("Idempotent-Replayed", "true");
        return stored.body() == null ? builder.build()
                : builder.contentType(MediaType.APPLICATION_JSON).body(stored.body());
    }

    private String fingerprint(String operation, Object request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(operation.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(json.writeValueAsBytes(request));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
