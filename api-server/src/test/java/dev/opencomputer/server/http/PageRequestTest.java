package dev.opencomputer.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.session.AgentId;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageRequestTest {

    @Test
    void aFullPageHandsOutACursorThatLeadsPastItsLastItem() {
        PageRequest first = PageRequest.parse("2", null, AgentId::isValid);
        List<String> ids = List.of("agt_000000000000000000000003", "agt_000000000000000000000002",
                "agt_000000000000000000000001");
        Page<String> page = first.page(ids, id -> id);
        assertThat(page.data()).hasSize(2);
        assertThat(PageRequest.parse("2", page.nextCursor(), AgentId::isValid).before())
                .isEqualTo("agt_000000000000000000000002");
        assertThat(first.page(ids.subList(0, 2), id -> id).nextCursor()).isNull();
    }

    @Test
    void limitsOutsideTheRangeAndForeignCursorsAreRejected() {
        assertThat(PageRequest.parse(null, null, AgentId::isValid).limit()).isEqualTo(20);
        assertThatThrownBy(() -> PageRequest.parse("0", null, AgentId::isValid))
                .isInstanceOf(ParameterInvalidException.class);
        assertThatThrownBy(() -> PageRequest.parse("201", null, AgentId::isValid))
                .isInstanceOf(ParameterInvalidException.class);
        assertThatThrownBy(() -> PageRequest.parse(null, "%%%", AgentId::isValid))
                .isInstanceOf(ParameterInvalidException.class);
        assertThatThrownBy(() -> PageRequest.parse(null, "c2VzXzEyMw", AgentId::isValid))
                .isInstanceOf(ParameterInvalidException.class);
    }
}
