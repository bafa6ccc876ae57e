package dev.opencomputer.server;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the API server ({@code opencomputer.api.*}), checked at start-up.
 *
 * @param operatorKey    the operator credential that manages tenants; empty disables operator calls
 * @param maxRequestBody the largest JSON request body accepted
 * @param defaultTier    the tier a new tenant gets when none is named
 * @param tiers          the tiers and their limits, by name
 * @param dataDir        a private directory for generated local defaults (e.g. token keys); may be empty
 * @param clientTokens   how session-scoped client tokens are signed and for how long they live
 */
@ConfigurationProperties("opencomputer.api")
public record ApiProperties(
        @DefaultValue("") String operatorKey,
        @DefaultValue("1MB") DataSize maxRequestBody,
        @DefaultValue("standard") String defaultTier,
        Map<String, Tier> tiers,
        @DefaultValue("") String dataDir,
        @DefaultValue ClientTokens clientTokens) {

    /**
     * Client tokens: ES256 JWTs scoped to one session.
     *
     * @param ttl      how long a minted token is valid
     * @param jwks     a JWK set with the EC P-256 private keys (first = signing key), inline
     * @param jwksFile the same, from a file; when both are empty a key is generated (see docs/config.md)
     */
    public record ClientTokens(@DefaultValue("15m") java.time.Duration ttl, @DefaultValue("") String jwks,
            @DefaultValue("") String jwksFile) {

        public ClientTokens {
            if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(java.time.Duration.ofHours(24)) > 0) {
                throw new IllegalArgumentException("opencomputer.api.client-tokens.ttl must be within (0, 24h]");
            }
        }
    }

    /**
     * Limits that apply to every tenant of a tier.
     *
     * @param maxRunningSessions      sessions running at once, across replicas (more are queued)
     * @param maxLiveSandboxes        sandboxes that exist at once
     * @param maxWebhookEndpoints     webhook endpoints
     * @param requestsPerMinute       authenticated requests per minute of the whole tenant, per replica
     * @param requestsPerMinutePerKey authenticated requests per minute of one API key (with the client
     *                                tokens it minted), per replica
     * @param maxStreams              SSE streams open at once, per replica
     * @param maxStreamsPerToken      SSE streams open at once with one client token, per replica
     * @param maxPendingSessions      sessions waiting for a run slot ({@code pending}) at once
     * @param diskQuota               the size limit of each of the tenant's sandbox workspaces, where the
     *                                sandbox driver enforces one ({@code opencomputer.sandbox.disk-quota-dir})
     * @param maxConcurrentExecs      sandbox commands run to their end ({@code POST …/exec} for JSON) at
     *                                once, per replica
     * @param maxStreamedExecs        sandbox commands streamed ({@code POST …/exec} for SSE) at once, per replica
     * @param maxFileTransfers        sandbox file uploads and downloads in flight at once, per replica
     */
    public record Tier(@DefaultValue("5") int maxRunningSessions, @DefaultValue("10") int maxLiveSandboxes,
            @DefaultValue("20") int maxWebhookEndpoints, @DefaultValue("1200") int requestsPerMinute,
            @DefaultValue("600") int requestsPerMinutePerKey, @DefaultValue("200") int maxStreams,
            @DefaultValue("5") int maxStreamsPerToken, @DefaultValue("100") int maxPendingSessions,
            @com.fasterxml.jackson.annotation.JsonIgnore @DefaultValue("10GB") DataSize diskQuota,
            @DefaultValue("16") int maxConcurrentExecs, @DefaultValue("8") int maxStreamedExecs,
            @DefaultValue("8") int maxFileTransfers) {

        /** The defaults of every limit. */
        public static final Tier DEFAULTS = new Tier(5, 10, 20, 1200, 600, 200, 5, 100, DataSize.ofGigabytes(10),
                16, 8, 8);

        public Tier {
            if (maxRunningSessions < 1 || maxLiveSandboxes < 1 || maxWebhookEndpoints < 1 || requestsPerMinute < 1
                    || requestsPerMinutePerKey < 1 || maxStreams < 1 || maxStreamsPerToken < 1
                    || maxPendingSessions < 1 || maxConcurrentExecs < 1 || maxStreamedExecs < 1
                    || maxFileTransfers < 1) {
                throw new IllegalArgumentException("tier limits must be at least 1");
            }
            if (diskQuota == null) {
                diskQuota = DataSize.ofGigabytes(10);
            }
            if (diskQuota.toBytes() < 16L * 1024 * 1024) {
                throw new IllegalArgumentException("a tier's disk-quota must be at least 16MB");
            }
        }

        /** The disk quota as the API shows it, in bytes (a {@code DataSize} would serialize as a bean). */
        @com.fasterxml.jackson.annotation.JsonProperty("diskQuotaBytes")
        public long diskQuotaBytes() {
            return diskQuota.toBytes();
        }
    }

    public ApiProperties {
        tiers = tiers == null || tiers.isEmpty() ? Map.of("standard", Tier.DEFAULTS) : Map.copyOf(tiers);
        if (!tiers.containsKey(defaultTier)) {
            throw new IllegalArgumentException("opencomputer.api.default-tier '" + defaultTier
                    + "' is not one of the configured tiers " + tiers.keySet());
        }
        if (!operatorKey.isEmpty() && operatorKey.length() < 24) {
            throw new IllegalArgumentException("opencomputer.api.operator-key (OPENCOMPUTER_OPERATOR_KEY) must be "
                    + "at least 24 characters; bin/run generates one into .data/operator.key");
        }
    }
}
