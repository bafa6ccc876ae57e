package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveConfigTest {

    private static final LiveConfig DEFAULTS = new LiveConfig("model-a", "auto", "off");

    @Test
    void eachChangeOverridesOnlyTheFieldsItSets() {
        LiveConfig config = DEFAULTS.after(new SessionConfigChanged("model-b", null, null))
                .after(new SessionConfigChanged(null, "plan", "HIGH"));

        assertThat(config).isEqualTo(new LiveConfig("model-b", "plan", "high"));
    }

    @Test
    void blankFieldsAreUnchangedAndValuesAreTrimmed() {
        assertThat(DEFAULTS.after(new SessionConfigChanged("  ", " plan ", ""))).isEqualTo(
                new LiveConfig("model-a", "plan", "off"));
    }

    @Test
    void otherEventsLeaveItAsItIs() {
        assertThat(DEFAULTS.after(new UserMessage("hi")).after(new RunStarted())).isSameAs(DEFAULTS);
    }

    @Test
    void foldsALogInSeqOrder() {
        SessionId session = SessionId.next(Instant.EPOCH);
        List<LoggedEvent> log = List.of(
                new LoggedEvent(session, 3, Instant.EPOCH, new SessionConfigChanged("model-b", null, null)),
                new LoggedEvent(session, 7, Instant.EPOCH, new SessionConfigChanged("model-c", null, "low")));

        assertThat(DEFAULTS.after(log)).isEqualTo(new LiveConfig("model-c", "auto", "low"));
    }
}
