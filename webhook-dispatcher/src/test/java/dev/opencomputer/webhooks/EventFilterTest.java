package dev.opencomputer.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {

    @Test
    void matchesTypesPrefixesAndEverythingButNeverWebhookSent() {
        EventFilter filter = EventFilter.parse(List.of("session.*", "user.message"));
        assertThat(filter.matches("session.idle")).isTrue();
        assertThat(filter.matches("user.message")).isTrue();
        assertThat(filter.matches("agent.message")).isFalse();
        assertThat(EventFilter.ALL.matches("pull_request.opened")).isTrue();
        assertThat(EventFilter.ALL.matches("webhook.sent")).isFalse();
        assertThat(EventFilter.parse(List.of("webhook.*")).matches("webhook.sent")).isFalse();
        assertThat(EventFilter.parse(List.of("*")).matches("command.run")).isTrue();
    }

    @Test
    void unknownTypesAreNamed() {
        assertThatThrownBy(() -> EventFilter.parse(List.of("session.idle", "session.exploded", "nothing.*", "")))
                .isInstanceOf(EventFilterInvalidException.class)
                .satisfies(e -> assertThat(((EventFilterInvalidException) e).unknown())
                        .containsExactly("session.exploded", "nothing.*", ""));
    }

    @Test
    void theHumanInTheLoopEventsCanBeSubscribedToLikeAnyStoredEvent() {
        EventFilter filter = EventFilter.parse(List.of("client_tool.called", "permission.*"));
        assertThat(filter.matches("client_tool.called")).isTrue();
        assertThat(filter.matches("permission.requested")).isTrue();
        assertThat(filter.matches("permission.expired")).isTrue();
        assertThat(filter.matches("tool.result")).isFalse();
    }
}
