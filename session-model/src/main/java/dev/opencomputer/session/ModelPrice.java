package dev.opencomputer.session;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * What a model's tokens cost, in US dollars per million tokens: uncached input, output, input read
 * from the prompt cache, input written to it.
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public ModelPrice {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        cacheRead = cacheRead == null ? input : cacheRead;
        cacheWrite = cacheWrite == null ? input : cacheWrite;
        if (input.signum() < 0 || output.signum() < 0 || cacheRead.signum() < 0 || cacheWrite.signum() < 0) {
            throw new IllegalArgumentException("prices cannot be negative");
        }
    }

    /** A price from plain figures (dollars per million tokens). */
    public static ModelPrice of(String input, String output, String cacheRead, String cacheWrite) {
        return new ModelPrice(new BigDecimal(input), new BigDecimal(output), new BigDecimal(cacheRead),
                new BigDecimal(cacheWrite));
    }

    /** What {@code usage} costs, in dollars, exact. */
    public BigDecimal cost(TokenUsage usage) {
        BigDecimal perMillion = input.multiply(BigDecimal.valueOf(usage.inputTokens()))
                .add(output.multiply(BigDecimal.valueOf(usage.outputTokens())))
                .add(cacheRead.multiply(BigDecimal.valueOf(usage.cacheReadInputTokens())))
                .add(cacheWrite.multiply(BigDecimal.valueOf(usage.cacheCreationInputTokens())));
        return Spend.plain(perMillion.divide(MILLION, MathContext.DECIMAL64));
    }
}
