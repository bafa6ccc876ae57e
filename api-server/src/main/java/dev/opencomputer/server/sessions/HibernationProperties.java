package dev.opencomputer.server.sessions;

import java.time.Duration;

/**
 * When idle sessions hibernate, bound from {@code opencomputer.brain.*} next to the brain's own
 * settings (a separate record so that the brain module stays free of the sandbox bookkeeping).
 *
 * @param idleHibernateAfter      how long a session stays idle, sandbox running, before its sandbox is
 *                                stopped (5 min)
 * @param hibernateCheckInterval  how often a brain replica looks for sessions to hibernate (a quarter
 *                                of {@code idleHibernateAfter}, at most 10 s)
 */
public record HibernationProperties(Duration idleHibernateAfter, Duration hibernateCheckInterval) {

    public HibernationProperties {
        if (idleHibernateAfter == null || idleHibernateAfter.isZero()) {
            idleHibernateAfter = Duration.ofMinutes(5);
        }
        if (idleHibernateAfter.isNegative()) {
            throw new IllegalArgumentException("opencomputer.brain.idle-hibernate-after cannot be negative");
        }
        if (hibernateCheckInterval == null || hibernateCheckInterval.isZero()) {
            Duration quarter = idleHibernateAfter.dividedBy(4);
            hibernateCheckInterval = quarter.compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : quarter;
        }
        if (hibernateCheckInterval.isNegative() || hibernateCheckInterval.toMillis() < 50) {
            throw new IllegalArgumentException("opencomputer.brain.hibernate-check-interval must be at least 50ms");
        }
    }
}
