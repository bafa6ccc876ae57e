package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsCreatedLaterSortAfterIdsCreatedEarlier() {
        SessionId first = SessionId.next(Instant.parse("2026-01-01T00:00:00Z"));
        SessionId second = SessionId.next(Instant.parse("2026-01-01T00:00:00.001Z"));
        assertThat(first.value()).matches("ses_[0-9a-f]{24}");
        assertThat(first.value()).isLessThan(second.value());
    }

    @Test
    void parseRejectsAnythingThatIsNotAnIdOfItsKind() {
        String agent = AgentId.next(Instant.now()).value();
        assertThat(AgentId.parse(agent).value()).isEqualTo(agent);
        assertThatThrownBy(() -> SessionId.parse(agent)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TenantId.parse("ten_XYZ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TenantId.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SandboxId.isValid("sbx_" + "0".repeat(24))).isTrue();
        assertThat(SandboxId.isValid("sbx_" + "0".repeat(23) + "G")).isFalse();
    }

    @Test
    void anIdIsItsPrefixTheCreationMillisInTwelveHexDigitsAndTwelveRandomOnes() {
        for (long millis : new long[] {0, 1, 0xabcdef, Instant.parse("2026-12-04T19:40:00.123Z").toEpochMilli(),
                0xffff_ffff_ffffL}) {
            String id = Ids.next("msg", Instant.ofEpochMilli(millis));
            assertThat(id).hasSize(4 + 24).startsWith("msg_" + String.format("%012x", millis));
            assertThat(Ids.isShaped("msg", id)).isTrue();
        }
        assertThat(Ids.next("msg", Instant.EPOCH)).isNotEqualTo(Ids.next("msg", Instant.EPOCH));
    }
}
