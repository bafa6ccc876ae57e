package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageMeterTest {

    private static final SessionId SESSION = SessionId.next(Instant.EPOCH);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private long seq;

    @Test
    void countsTheTimeBetweenARunsStartAndItsEnd() {
        UsageMeter meter = meter(T0, T0.plusSeconds(3600),
                at(10, new RunStarted()), at(12, new RunStarted()), at(25, new SessionIdle()),
                at(40, new RuntimeRestarted(3)), at(45, new RunCancelled("requested")));

        assertThat(meter.metered().runningMillis()).isEqualTo(20_000);
    }

    @Test
    void clipsRunsToTheWindowAndCountsARunInProgressUntilItsEnd() {
        UsageMeter meter = meter(T0.plusSeconds(20), T0.plusSeconds(100),
                at(10, new RunStarted()), at(30, new SessionFailed("model_error", "boom")),
                at(90, new RunStarted()));

        assertThat(meter.metered().runningMillis()).isEqualTo(10_000 + 10_000);
    }

    @Test
    void sumsTheTokensOfModelCallsInTheWindowOnly() {
        AgentMessage call = new AgentMessage("m", "model", List.of(), "end_turn", new TokenUsage(1, 2, 3, 4));
        UsageMeter meter = meter(T0.plusSeconds(20), T0.plusSeconds(100),
                at(10, call), at(20, call), at(30, call), at(30, new SessionClosed("done")));

        assertThat(meter.metered()).isEqualTo(new UsageMeter.Metered(0, 2, new TokenUsage(2, 4, 6, 8)));
    }

    @Test
    void eventsThatAreNotMeteredChangeNothing() {
        UsageMeter meter = meter(T0, T0.plusSeconds(100), at(1, new UserMessage("hi")),
                at(2, new SessionHibernated()), at(3, new SessionWoke()));

        assertThat(meter.metered().isEmpty()).isTrue();
        assertThat(UsageMeter.METERED).doesNotContain(UserMessage.class, SessionHibernated.class, SessionWoke.class);
    }

    private UsageMeter meter(Instant from, Instant to, LoggedEvent... events) {
        UsageMeter meter = new UsageMeter(from, to);
        for (LoggedEvent e : events) {
            meter.apply(e);
        }
        return meter;
    }

    private LoggedEvent at(long second, SessionEvent event) {
        return new LoggedEvent(SESSION, ++seq, T0.plusSeconds(second), event);
    }
}
