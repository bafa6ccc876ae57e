package dev.opencomputer.server.auth;

import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import dev.opencomputer.session.Ids;
import dev.opencomputer.session.TenantId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Tenant API keys: {@code oc_<prefix>_<secret>}. Only the prefix and a SHA-256 of the whole key
 * are stored; verification looks the prefix up and compares hashes in constant time.
 */
@Component
public class ApiKeys {

    /** The id prefix of API key records ({@code key_…}). */
    public static final String ID_PREFIX = "key";
    private static final Pattern SHAPE = Pattern.compile("oc_([0-9a-z]{12})_([0-9a-f]{64})");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:@-]{1,100}");

    private final JdbcClient jdbc;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Creates a key for the tenant; the returned value is the only copy of the secret. */
    public IssuedApiKey issue(TenantId tenant, String name) {
        String keyName = name == null || name.isBlank() ? "default" : name.strip();
        if (!NAME.matcher(keyName).matches()) {
            throw new dev.opencomputer.server.problems.RequestInvalidException("name",
                    "must be 1 to 100 letters, digits, spaces or ._:@-");
        }
        String prefix = randomChars(12, "0123456789abcdefghijklmnopqrstuvwxyz");
        String secret = randomChars(64, "0123456789abcdef");
        String key = "oc_" + prefix + "_" + secret;
        Instant now = clock.instant();
        String id = Ids.next(ID_PREFIX, now);
        jdbc.sql("""
                insert into api_keys (id, tenant_id, prefix, key_hash, name, created_at)
                values (?, ?, ?, ?, ?, ?)""")
                .params(id, tenant.value(), prefix, sha256(key), keyName, Timestamp.from(now)).update();
        return new IssuedApiKey(id, keyName, prefix, key, now);
    }

    /** The live (not revoked) key owner of {@code presented}, recording when it was last used. */
    Optional<Caller.TenantKey> verify(String presented) {
        var match = SHAPE.matcher(presented);
        if (!match.matches()) {
            return Optional.empty();
        }
        record Row(String id, String tenantId, byte[] keyHash) {
        }
        Optional<Row> row = jdbc.sql("select id, tenant_id, key_hash from api_keys where prefix = ? and revoked_at is null")
                .param(match.group(1)).query(Row.class).optional();
        byte[] hash = sha256(presented);
        if (row.isEmpty() || !MessageDigest.isEqual(row.get().keyHash(), hash)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        jdbc.sql("update api_keys set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)")
                .params(Timestamp.from(now), row.get().id(), Timestamp.from(now.minusSeconds(30))).update();
        return Optional.of(new Caller.TenantKey(new TenantId(row.get().tenantId()), row.get().id()));
    }

    /** The tenant's keys, revoked ones included, newest first. */
    public Page<ApiKey> list(TenantId tenant, PageRequest page) {
        List<ApiKey> rows = jdbc.sql("""
                select id, name, prefix, created_at, last_used_at, revoked_at from api_keys
                where tenant_id = ? and (cast(? as text) is null or id < ?) order by id desc limit ?""")
                .params(tenant.value(), page.before(), page.before(), page.limit() + 1)
                .query(ApiKeys::row)
                .list();
        return page.page(rows, ApiKey::id);
    }

    /** Revokes a key at once; revoking an already revoked key is harmless. */
    public ApiKey revoke(TenantId tenant, String keyId) {
        jdbc.sql("update api_keys set revoked_at = ? where id = ? and tenant_id = ? and revoked_at is null")
                .params(Timestamp.from(clock.instant()), keyId, tenant.value()).update();
        return jdbc.sql("select id, name, prefix, created_at, last_used_at, revoked_at from api_keys where id = ? and tenant_id = ?")
                .params(keyId, tenant.value())
                .query(ApiKeys::row)
                .optional().orElseThrow(() -> new ResourceNotFoundException("api key", keyId));
    }

    /** Of {@code keyIds}, those that are revoked (unknown ids are not listed); one query. */
    public java.util.Set<String> revokedAmong(java.util.Collection<String> keyIds) {
        if (keyIds.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(jdbc.sql("select id from api_keys where id = any(?) and revoked_at is not null")
                .param(keyIds.toArray(String[]::new)).query(String.class).list());
    }

    /** Whether a string has the shape of an API key record id. */
    public static boolean isKeyId(String value) {
        return Ids.isShaped(ID_PREFIX, value);
    }

    private String randomChars(int length, String alphabet) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ApiKey row(java.sql.ResultSet rs, int rowNum) throws java.sql.SQLException {
        return new ApiKey(rs.getString("id"), rs.getString("name"), rs.getString("prefix"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

}
