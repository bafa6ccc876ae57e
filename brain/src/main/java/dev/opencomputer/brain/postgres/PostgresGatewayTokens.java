package dev.opencomputer.brain.postgres;

import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.gateway.GatewayGrant;
import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** {@link GatewayTokens} in the brain's {@code gateway_tokens} table (see {@code V11__gateway_tokens.sql}). */
public final class PostgresGatewayTokens implements GatewayTokens {

    private final DataSource dataSource;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public PostgresGatewayTokens(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    @Override
    public String issue(GatewayGrant grant) {
        String token = GatewayTokens.newToken(random);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                insert into gateway_tokens (token_hash, session_id, tenant_id, sandbox_id, provider, credential,
                                            models, issued_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            Array models = c.createArrayOf("text", grant.models().toArray());
            s.setBytes(1, GatewayTokens.hash(token));
            s.setString(2, grant.session().value());
            s.setString(3, grant.tenant().value());
            s.setString(4, grant.sandbox().value());
            s.setString(5, grant.provider().wireName());
            s.setString(6, grant.credential() == null ? null : grant.credential().value());
            s.setArray(7, models);
            s.setTimestamp(8, Timestamp.from(clock.instant()));
            s.executeUpdate();
            return token;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a gateway token: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<GatewayGrant> find(String token) {
        if (!GatewayTokens.wellFormed(token)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select session_id, tenant_id, sandbox_id, provider, credential, models from gateway_tokens
                where token_hash = ? and revoked_at is null""")) {
            s.setBytes(1, GatewayTokens.hash(token));
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String credential = rs.getString(5);
                return Optional.of(new GatewayGrant(SessionId.parse(rs.getString(1)), TenantId.parse(rs.getString(2)),
                        SandboxId.parse(rs.getString(3)), ModelProvider.parse(rs.getString(4)),
                        credential == null ? null : SecretName.parse(credential),
                        Set.of((String[]) rs.getArray(6).getArray())));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look a gateway token up: " + e.getMessage(), e);
        }
    }

    @Override
    public void revoke(SessionId session) {
        update("update gateway_tokens set revoked_at = ? where session_id = ? and revoked_at is null",
                session.value());
    }

    @Override
    public void revokeToken(String token) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "update gateway_tokens set revoked_at = ? where token_hash = ? and revoked_at is null")) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setBytes(2, GatewayTokens.hash(token));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke a gateway token: " + e.getMessage(), e);
        }
    }

    private void update(String sql, String session) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setTimestamp(1, Timestamp.from(clock.instant()));
            s.setString(2, session);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke gateway tokens: " + e.getMessage(), e);
        }
    }
}
