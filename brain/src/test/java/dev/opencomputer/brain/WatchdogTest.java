package dev.opencomputer.brain;

import dev.opencomputer.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.RunStuck;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** One rule per limit: steps before a call, run time before a call and while waiting, progress while waiting. */
class WatchdogTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final AtomicLong ticker = new AtomicLong();
    private final Watchdog watchdog = new Watchdog(Duration.ofMinutes(70), clock, ticker::get, 0);

    private static AgentSetup agent(Duration maxRunTime, int maxSteps) {
        return new AgentSetup(AgentId.next(START), 1, ModelProvider.OPENAI, "m", null, "", SecretName.parse("K"),
                EnumSet.allOf(AgentTool.class), maxRunTime, maxSteps);
    }

    @Test
    void theRunTimeLimitIsTheSameRuleBeforeACallAndWhileWaiting() {
        watchdog.limits(agent(Duration.ofMinutes(10), 50));
        watchdog.runBegan(START);
        clock.advance(Duration.ofMinutes(10));
        assertThat(watchdog.beforeStep(3)).isEmpty();
        assertThat(watchdog.whileWaiting()).isEmpty();

        clock.advance(Duration.ofSeconds(1));

        RunStuck late = new RunStuck("max_duration",
                "the run took 601 s, longer than the agent's limit of 600 s; send a message to go on");
        assertThat(watchdog.beforeStep(3)).contains(late);
        assertThat(watchdog.whileWaiting()).contains(late);
    }

    @Test
    void aRunTimeBudgetThatRunsOutWhileTheRunWaitsStopsItAsExhausted() {
        watchdog.budgetDeadline(START.plusSeconds(30), java.math.BigDecimal.valueOf(120));
        clock.advance(Duration.ofSeconds(29));
        assertThat(watchdog.pastBudget()).isEmpty();
        clock.advance(Duration.ofMillis(1_500));
        assertThat(watchdog.pastBudget()).contains(new dev.opencomputer.session.BudgetExhausted("run_time",
                new java.math.BigDecimal("120.5"), java.math.BigDecimal.valueOf(120)));
        watchdog.windDown();
        assertThat(watchdog.pastBudget()).as("not a second time").isEmpty();
        watchdog.runBegan(START);
        watchdog.budgetDeadline(null, null);
        assertThat(watchdog.pastBudget()).isEmpty();
    }

    @Test
    void theStepLimitComesFirstBeforeACall() {
        watchdog.limits(agent(Duration.ofMinutes(10), 2));
        watchdog.runBegan(START);
        clock.advance(Duration.ofHours(1));

        assertThat(watchdog.beforeStep(2)).map(RunStuck::reason).contains("max_steps");
        assertThat(watchdog.beforeStep(1)).map(RunStuck::reason).contains("max_duration");
    }

    @Test
    void noProgressCountsFromTheLastAppendAndNotWhileWindingDown() {
        ticker.set(Duration.ofMinutes(71).toNanos());
        assertThat(watchdog.whileWaiting()).map(RunStuck::reason).contains("no_progress");

        watchdog.progressed();
        assertThat(watchdog.whileWaiting()).isEmpty();

        ticker.addAndGet(Duration.ofMinutes(71).toNanos());
        watchdog.windDown();
        assertThat(watchdog.whileWaiting()).isEmpty();
        watchdog.runBegan(START);
        assertThat(watchdog.whileWaiting()).map(RunStuck::reason).contains("no_progress");
    }

    @Test
    void waitingForAPersonWithTheLeaseHeldIsNeitherStuckNorOverTimeAndProgressCountsFromItsEnd() {
        watchdog.limits(agent(Duration.ofMinutes(10), 50));
        watchdog.runBegan(START);
        watchdog.budgetDeadline(START.plusSeconds(30), java.math.BigDecimal.valueOf(30));
        watchdog.waitingOutside(true);
        clock.advance(Duration.ofHours(2));
        ticker.set(Duration.ofHours(2).toNanos());
        assertThat(watchdog.whileWaiting()).isEmpty();
        assertThat(watchdog.pastBudget()).isEmpty();

        watchdog.waitingOutside(false);
        watchdog.runBegan(clock.instant());
        watchdog.budgetDeadline(null, null);
        assertThat(watchdog.whileWaiting()).as("progress counts from the answer").isEmpty();
        ticker.addAndGet(Duration.ofMinutes(71).toNanos());
        assertThat(watchdog.whileWaiting()).map(RunStuck::reason).contains("no_progress");
    }
}
