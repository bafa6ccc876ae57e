package dev.opencomputer.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventCatalogueTest {

    @Test
    void listsEveryStoredEventRecordUnderItsOwnWireName() throws Exception {
        List<Class<?>> known = new ArrayList<>(Arrays.asList(SessionEvent.class.getPermittedSubclasses()));
        known.remove(UnknownEvent.class);
        for (Class<?> type : known) {
            String wireName = wireName(type);
            assertThat(EventCatalogue.storedType(wireName)).as(wireName).contains(type.asSubclass(SessionEvent.class));
        }
        assertThat(EventCatalogue.storedTypes()).hasSameSizeAs(known);
    }

    @Test
    void listsEveryEphemeralEventRecordAndNoneIsAlsoStored() throws Exception {
        List<Class<?>> known = new ArrayList<>(Arrays.asList(EphemeralEvent.class.getPermittedSubclasses()));
        known.remove(UnknownEvent.class);
        for (Class<?> type : known) {
            String wireName = wireName(type);
            assertThat(EventCatalogue.ephemeralType(wireName)).contains(type.asSubclass(EphemeralEvent.class));
            assertThat(EventCatalogue.isEphemeral(wireName)).isTrue();
            assertThat(EventCatalogue.storedType(wireName)).isEmpty();
        }
        assertThat(EventCatalogue.ephemeralTypes()).hasSameSizeAs(known);
    }

    @Test
    void wireNamesAreDomainDotActionAndUnique() {
        Set<String> all = new HashSet<>(EventCatalogue.storedTypes());
        all.addAll(EventCatalogue.ephemeralTypes());
        assertThat(all).hasSize(EventCatalogue.storedTypes().size() + EventCatalogue.ephemeralTypes().size());
        assertThat(all).allMatch(name -> name.matches("[a-z]+(_[a-z]+)*\\.[a-z_]+"));
    }

    @Test
    void coversTheCatalogueTheDesignPromises() {
        assertThat(EventCatalogue.storedTypes()).contains("session.started", "user.message", "agent.message",
                "command.run", "command.exited", "file.write", "runtime.crashed", "runtime.restarted",
                "session.idle", "session.hibernated", "session.woke", "run.cancelled", "run.stuck",
                "session.failed", "session.closed", "webhook.sent", "session.config_changed");
    }

    @Test
    void eachRecordReportsItsOwnWireNameAsType() throws Exception {
        assertThat(new UserMessage("hi").type()).isEqualTo("user.message");
        assertThat(new RunStarted().type()).isEqualTo(wireName(RunStarted.class));
        assertThat(new UnknownEvent("future.thing", null).type()).isEqualTo("future.thing");
    }

    private static String wireName(Class<?> type) throws Exception {
        Field field = type.getField("TYPE");
        return (String) field.get(null);
    }

    @Test
    void everyStoredTypeIsNamedByItsClass() {
        for (String type : EventCatalogue.storedTypes()) {
            assertThat(EventCatalogue.storedName(EventCatalogue.storedType(type).orElseThrow())).isEqualTo(type);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventCatalogue.storedName(UnknownEvent.class))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
