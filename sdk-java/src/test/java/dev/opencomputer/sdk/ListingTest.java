package dev.opencomputer.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sdk.agents.Agent;
import java.util.Iterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListingTest {

    private final ScriptedApi api = ScriptedApi.start();
    private final OpenComputer oc = api.client();

    @AfterEach
    void stop() {
        oc.close();
        api.close();
    }

    private static String page(String cursor, String... names) {
        var items = new StringBuilder();
        for (String name : names) {
            items.append(items.isEmpty() ? "" : ",").append("{\"id\":\"agt_").append(name).append("\",\"name\":\"")
                    .append(name).append("\"}");
        }
        return "{\"data\":[" + items + "]" + (cursor == null ? "" : ",\"nextCursor\":\"" + cursor + "\"") + "}";
    }

    @Test
    void fetchesEachPageOnlyWhenIterationReachesIt() {
        api.answer(200, page("c1", "a", "b")).answer(200, page("c2", "c", "d")).answer(200, page(null, "e"));
        var listing = oc.agents().list(ListParams.limit(2));
        assertThat(api.received()).isEmpty();

        Iterator<Agent> it = listing.iterator();
        assertThat(it.next().name()).isEqualTo("a");
        assertThat(it.next().name()).isEqualTo("b");
        assertThat(api.received()).hasSize(1);
        assertThat(it.next().name()).isEqualTo("c");
        assertThat(api.received()).hasSize(2);
        assertThat(it.next().name()).isEqualTo("d");
        assertThat(it.next().name()).isEqualTo("e");
        assertThat(it.hasNext()).isFalse();

        assertThat(api.received()).extracting(ScriptedApi.Received::path)
                .containsExactly("/v1/agents?limit=2", "/v1/agents?limit=2&cursor=c1", "/v1/agents?limit=2&cursor=c2");
    }

    @Test
    void everyIterationStartsAgainFromTheFirstPageAndEmptyPagesAreSkipped() {
        api.answer(200, page("c1")).answer(200, page(null, "x"))
                .answer(200, page("c1")).answer(200, page(null, "x"));
        var listing = oc.agents().list();
        assertThat(listing.stream().map(Agent::name)).containsExactly("x");
        assertThat(listing.toList()).extracting(Agent::name).containsExactly("x");
        assertThat(api.received()).extracting(ScriptedApi.Received::path)
                .containsExactly("/v1/agents", "/v1/agents?cursor=c1", "/v1/agents", "/v1/agents?cursor=c1");
    }

    @Test
    void pagesExposeTheirCursorSoACallerCanResumeLater() {
        api.answer(200, page("c1", "a")).answer(200, page(null, "b"));
        var pages = oc.agents().list(ListParams.limit(1)).pages().iterator();
        var first = pages.next();
        assertThat(first.nextCursor()).isEqualTo("c1");
        assertThat(first.hasNext()).isTrue();
        var second = pages.next();
        assertThat(second.hasNext()).isFalse();
        assertThat(pages.hasNext()).isFalse();
    }
}
