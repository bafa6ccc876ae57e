package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.NetworkAccess;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.server.problems.FieldViolation;
import dev.opencomputer.server.problems.RequestInvalidException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/sandboxes}; every field is optional.
 *
 * @param image   image reference; default: the server's default image
 * @param cpu     cores, e.g. {@code 0.5}
 * @param memory  {@code "512MB"}, {@code "2GB"}, or a number of bytes
 * @param ttl     lifetime: seconds as a number, or {@code "30m"}, {@code "2h"}, {@code "PT90M"}
 * @param network {@code "none"} (the default and the only value: the former {@code "egress"} is refused)
 */
// Read-only fields of GET /v1/sandboxes/{id}, ignored when a client sends them back.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties({"id", "status", "exitCode", "expiresAt", "createdAt", "updatedAt"})
public record SandboxRequest(String image, Double cpu, JsonNode memory, JsonNode ttl, String network) {

    static final Pattern IMAGE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9._/:@-]{0,254}");

    /** What to create, every field resolved. */
    record Resolved(String image, double cpu, long memoryBytes, Duration ttl, NetworkAccess network) {
    }

    static SandboxRequest empty() {
        return new SandboxRequest(null, null, null, null, null);
    }

    /** Applies the configured defaults and maxima; reports every broken rule at once. */
    Resolved resolve(SandboxConfig config) {
        List<FieldViolation> violations = new ArrayList<>();
        String resolvedImage = image == null || image.isBlank() ? config.defaultImage() : image.strip();
        if (!IMAGE.matcher(resolvedImage).matches()) {
            violations.add(new FieldViolation("image", "must be an image reference like 'debian:12-slim'"));
        }
        double resolvedCpu = cpu == null ? config.defaultCpu() : cpu;
        if (!(resolvedCpu > 0) || resolvedCpu > config.maxCpu()) {
            violations.add(new FieldViolation("cpu", "must be more than 0 and at most " + config.maxCpu()));
        }
        long memoryBytes = config.defaultMemory().toBytes();
        if (memory != null && !memory.isNull()) {
            memoryBytes = memoryBytes(memory);
            if (memoryBytes < DataSize.ofMegabytes(6).toBytes() || memoryBytes > config.maxMemory().toBytes()) {
                violations.add(new FieldViolation("memory", "must be like \"512MB\" or \"2GB\", from 6MB to "
                        + Sandboxes.formatSize(config.maxMemory().toBytes())));
            }
        }
        Duration resolvedTtl = config.defaultTtl();
        if (ttl != null && !ttl.isNull()) {
            resolvedTtl = duration(ttl);
            if (resolvedTtl == null || resolvedTtl.compareTo(Duration.ofSeconds(1)) < 0
                    || resolvedTtl.compareTo(config.maxTtl()) > 0) {
                violations.add(new FieldViolation("ttl", "must be seconds or a duration like \"30m\", from 1s to "
                        + config.maxTtl().toSeconds() + "s"));
            }
        }
        NetworkAccess resolvedNetwork = NetworkAccess.NONE;
        if (network != null) {
            switch (network.toLowerCase(Locale.ROOT)) {
                case "none" -> resolvedNetwork = NetworkAccess.NONE;
                case "egress" -> violations.add(new FieldViolation("network", "sandboxes no longer join a network: "
                        + "a session's sandbox reaches what its agent's network policy allows through the egress "
                        + "proxy (docs/network.md); API sandboxes have no network"));
                default -> violations.add(new FieldViolation("network", "must be \"none\""));
            }
        }
        if (!violations.isEmpty()) {
            throw new RequestInvalidException(violations);
        }
        return new Resolved(resolvedImage, resolvedCpu, memoryBytes, resolvedTtl, resolvedNetwork);
    }

    private static long memoryBytes(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isString()) {
            try {
                return DataSize.parse(value.asString().strip().toUpperCase(Locale.ROOT)).toBytes();
            } catch (IllegalArgumentException e) {
                return -1;
            }
        }
        return -1;
    }

    /** Seconds as a number (or a string of digits), or a duration such as {@code 30m} or {@code PT30M}. */
    static Duration duration(JsonNode value) {
        if (value.isNumber()) {
            return value.isIntegralNumber() ? Duration.ofSeconds(value.asLong())
                    : Duration.ofMillis(Math.round(value.asDouble() * 1000));
        }
        if (value.isString()) {
            String text = value.asString().strip();
            if (text.matches("\\d{1,9}")) {
                return Duration.ofSeconds(Long.parseLong(text));
            }
            try {
                return DurationStyle.detectAndParse(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
