package dev.opencomputer.brain;

import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the brain, bound from {@code opencomputer.brain.*}. A null (or, for numbers, zero)
 * value takes the default; the constructor checks the invariants and throws
 * {@link IllegalArgumentException} naming the property when they do not hold.
 *
 * @param workerId              this worker's name in the {@code sessions.lease_owner} column and in
 *                              the secret store's audit trail (default {@code brain-<pid>-<random>});
 *                              must be unique among live workers
 * @param leaseDuration         how long a claimed session stays this worker's without a heartbeat
 *                              (30 s): after a crash, another worker resumes the session this long
 *                              after the last heartbeat
 * @param heartbeatInterval     how often the leases of running sessions are extended (10 s); at most
 *                              a third of the lease duration, so two missed heartbeats do not lose it
 * @param claimInterval         how often the worker looks for runnable sessions when nobody wakes it
 *                              (1 s)
 * @param maxConcurrentRuns     sessions one worker runs at the same time (100)
 * @param modelTimeout          limit on one model call, from sending to the last byte (10 min)
 * @param defaultCommandTimeout limit on a {@code bash} command that asks for none (10 min)
 * @param maxCommandTimeout     the longest a {@code bash} command may ask for (1 h); must not exceed
 *                              the sandbox driver's {@code max-exec-timeout}
 * @param maxTokens             the output limit of one model response (8192)
 * @param retry                 how failed model calls are retried
 * @param anthropicBaseUrl      where Anthropic calls go when the agent names no base URL; null = the
 *                              public API
 * @param openaiBaseUrl         where OpenAI calls go when the agent names no base URL; null = the
 *                              public API
 * @param toolOutputLimit       most of a tool's output kept for the model and the log: the tail of a
 *                              command's output, the start of a file read (32 KB; 1 KB to 256 KB)
 * @param maxRestarts           resumptions in a row without progress after which the session fails
 *                              with {@code restart_loop} instead of being resumed again (5)
 * @param shutdownGrace         how long closing the worker waits for its runs to wind down (10 s)
 * @param noProgressTimeout     the watchdog stops a run that appended nothing for this long with
 *                              {@code run.stuck no_progress} (70 min; more than the longest command
 *                              and model call)
 * @param mcp                   limits of the sessions' MCP servers
 */
public record BrainProperties(
        String workerId,
        Duration leaseDuration,
        Duration heartbeatInterval,
        Duration claimInterval,
        int maxConcurrentRuns,
        Duration modelTimeout,
        Duration defaultCommandTimeout,
        Duration maxCommandTimeout,
        int maxTokens,
        Retry retry,
        String anthropicBaseUrl,
        String openaiBaseUrl,
        DataSize toolOutputLimit,
        int maxRestarts,
        Duration shutdownGrace,
        Duration noProgressTimeout,
        Mcp mcp) {

    /**
     * Limits of MCP servers ({@code opencomputer.brain.mcp.*}).
     *
     * @param connectTimeout how long starting or reaching a server, its handshake and its tool list may
     *                       take before it counts as failed (30 s)
     * @param callTimeout    limit on one MCP tool call (5 min); a call over it gets an error result. Keep
     *                       it shorter than {@code no-progress-timeout}, like commands, or the watchdog
     *                       stops the run first
     */
    public record Mcp(Duration connectTimeout, Duration callTimeout) {

        public Mcp {
            connectTimeout = orDefault("mcp.connect-timeout", connectTimeout, Duration.ofSeconds(30));
            callTimeout = orDefault("mcp.call-timeout", callTimeout, Duration.ofMinutes(5));
        }

        public static Mcp defaults() {
            return new Mcp(null, null);
        }
    }

    /**
     * Retries of failed model calls (see {@link ModelRetryPolicy}): only retryable failures, at
     * most {@code maxAttempts} calls in all.
     *
     * @param maxAttempts    calls per model step, the first included (5)
     * @param initialBackoff wait after the first failure, doubling after each (1 s)
     * @param maxBackoff     longest wait between attempts (60 s)
     * @param maxRetryAfter  longest provider-requested wait that is honoured; a longer one ends the
     *                       attempts (5 min)
     */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

        public Retry {
            maxAttempts = orDefault("retry.max-attempts", maxAttempts, 5);
            initialBackoff = orDefault("retry.initial-backoff", initialBackoff, Duration.ofSeconds(1));
            maxBackoff = orDefault("retry.max-backoff", maxBackoff, Duration.ofSeconds(60));
            maxRetryAfter = orDefault("retry.max-retry-after", maxRetryAfter, Duration.ofMinutes(5));
            require(maxBackoff.compareTo(initialBackoff) >= 0, "retry.max-backoff must be at least retry.initial-backoff");
        }

        /** Every retry setting at its default. */
        public static Retry defaults() {
            return new Retry(0, null, null, null);
        }

        /** The policy these settings describe. */
        public ModelRetryPolicy policy() {
            return new ModelRetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
        }
    }

    public BrainProperties {
        workerId = workerId == null || workerId.isBlank() ? defaultWorkerId() : workerId.strip();
        require(workerId.length() <= 200, "worker-id must be at most 200 characters");
        leaseDuration = orDefault("lease-duration", leaseDuration, Duration.ofSeconds(30));
        heartbeatInterval = orDefault("heartbeat-interval", heartbeatInterval, Duration.ofSeconds(10));
        claimInterval = orDefault("claim-interval", claimInterval, Duration.ofSeconds(1));
        maxConcurrentRuns = orDefault("max-concurrent-runs", maxConcurrentRuns, 100);
        modelTimeout = orDefault("model-timeout", modelTimeout, Duration.ofMinutes(10));
        defaultCommandTimeout = orDefault("default-command-timeout", defaultCommandTimeout, Duration.ofMinutes(10));
        maxCommandTimeout = orDefault("max-command-timeout", maxCommandTimeout, Duration.ofHours(1));
        maxTokens = orDefault("max-tokens", maxTokens, 8192);
        retry = retry == null ? Retry.defaults() : retry;
        anthropicBaseUrl = blankToNull(anthropicBaseUrl);
        openaiBaseUrl = blankToNull(openaiBaseUrl);
        toolOutputLimit = toolOutputLimit == null || toolOutputLimit.toBytes() == 0 ? DataSize.ofKilobytes(32)
                : toolOutputLimit;
        maxRestarts = orDefault("max-restarts", maxRestarts, 5);
        shutdownGrace = orDefault("shutdown-grace", shutdownGrace, Duration.ofSeconds(10));
        noProgressTimeout = orDefault("no-progress-timeout", noProgressTimeout, Duration.ofMinutes(70));
        mcp = mcp == null ? Mcp.defaults() : mcp;

        require(heartbeatInterval.multipliedBy(3).compareTo(leaseDuration) <= 0,
                "heartbeat-interval must be at most a third of lease-duration (got " + heartbeatInterval + " and "
                        + leaseDuration + ")");
        require(defaultCommandTimeout.compareTo(maxCommandTimeout) <= 0,
                "default-command-timeout must be at most max-command-timeout");
        require(toolOutputLimit.toBytes() >= 1024 && toolOutputLimit.toBytes() <= 256 * 1024,
                "tool-output-limit must be from 1KB to 256KB (events are at most 1MB)");
        for (ModelProvider provider : ModelProvider.values()) {
            try {
                ModelEndpoint.of(provider, provider == ModelProvider.ANTHROPIC ? anthropicBaseUrl : openaiBaseUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("opencomputer.brain." + provider.wireName() + "-base-url: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Every setting at its default. */
    public static BrainProperties defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Where a model call of an agent of {@code provider} goes: the agent's own base URL when it names
     * one, else this configuration's for the provider, else the provider's public API.
     */
    public ModelEndpoint endpoint(ModelProvider provider, String agentBaseUrl) {
        if (agentBaseUrl != null && !agentBaseUrl.isBlank()) {
            return ModelEndpoint.of(provider, agentBaseUrl);
        }
        return ModelEndpoint.of(provider, provider == ModelProvider.ANTHROPIC ? anthropicBaseUrl : openaiBaseUrl);
    }

    private static String defaultWorkerId() {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        long pid;
        try {
            pid = ProcessHandle.current().pid();
        } catch (UnsupportedOperationException e) {
            pid = ManagementFactory.getRuntimeMXBean().getPid();
        }
        return "brain-" + pid + "-" + HexFormat.of().formatHex(random);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static int orDefault(String name, int value, int fallback) {
        require(value >= 0, name + " cannot be negative: " + value);
        return value == 0 ? fallback : value;
    }

    private static Duration orDefault(String name, Duration value, Duration fallback) {
        require(value == null || !value.isNegative(), name + " cannot be negative: " + value);
        return value == null || value.isZero() ? fallback : value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("opencomputer.brain." + message);
        }
    }

    /** Builds properties; what is left unset takes its default. */
    public static final class Builder {
        private String workerId;
        private Duration leaseDuration;
        private Duration heartbeatInterval;
        private Duration claimInterval;
        private int maxConcurrentRuns;
        private Duration modelTimeout;
        private Duration defaultCommandTimeout;
        private Duration maxCommandTimeout;
        private int maxTokens;
        private Retry retry;
        private String anthropicBaseUrl;
        private String openaiBaseUrl;
        private DataSize toolOutputLimit;
        private int maxRestarts;
        private Duration shutdownGrace;
        private Duration noProgressTimeout;
        private Mcp mcp;

        private Builder() {
        }

        private Builder(BrainProperties p) {
            workerId = p.workerId;
            leaseDuration = p.leaseDuration;
            heartbeatInterval = p.heartbeatInterval;
            claimInterval = p.claimInterval;
            maxConcurrentRuns = p.maxConcurrentRuns;
            modelTimeout = p.modelTimeout;
            defaultCommandTimeout = p.defaultCommandTimeout;
            maxCommandTimeout = p.maxCommandTimeout;
            maxTokens = p.maxTokens;
            retry = p.retry;
            anthropicBaseUrl = p.anthropicBaseUrl;
            openaiBaseUrl = p.openaiBaseUrl;
            toolOutputLimit = p.toolOutputLimit;
            maxRestarts = p.maxRestarts;
            shutdownGrace = p.shutdownGrace;
            noProgressTimeout = p.noProgressTimeout;
            mcp = p.mcp;
        }

        public Builder workerId(String v) { workerId = v; return this; }
        public Builder leaseDuration(Duration v) { leaseDuration = v; return this; }
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder claimInterval(Duration v) { claimInterval = v; return this; }
        public Builder maxConcurrentRuns(int v) { maxConcurrentRuns = v; return this; }
        public Builder modelTimeout(Duration v) { modelTimeout = v; return this; }
        public Builder defaultCommandTimeout(Duration v) { defaultCommandTimeout = v; return this; }
        public Builder maxCommandTimeout(Duration v) { maxCommandTimeout = v; return this; }
        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder retry(Retry v) { retry = Objects.requireNonNull(v); return this; }
        public Builder anthropicBaseUrl(String v) { anthropicBaseUrl = v; return this; }
        public Builder openaiBaseUrl(String v) { openaiBaseUrl = v; return this; }
        public Builder toolOutputLimit(DataSize v) { toolOutputLimit = v; return this; }
        public Builder maxRestarts(int v) { maxRestarts = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder noProgressTimeout(Duration v) { noProgressTimeout = v; return this; }
        public Builder mcp(Mcp v) { mcp = v; return this; }

        public BrainProperties build() {
            return new BrainProperties(workerId, leaseDuration, heartbeatInterval, claimInterval, maxConcurrentRuns,
                    modelTimeout, defaultCommandTimeout, maxCommandTimeout, maxTokens, retry, anthropicBaseUrl,
                    openaiBaseUrl, toolOutputLimit, maxRestarts, shutdownGrace, noProgressTimeout, mcp);
        }
    }
}
