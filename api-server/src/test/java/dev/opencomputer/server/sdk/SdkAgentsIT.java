package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.opencomputer.sdk.ApiException;
import dev.opencomputer.sdk.BadRequestException;
import dev.opencomputer.sdk.ConflictException;
import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.Problem;
import dev.opencomputer.sdk.RequestOptions;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.agents.Agent;
import dev.opencomputer.sdk.agents.CreateAgentRequest;
import dev.opencomputer.sdk.agents.UpdateAgentRequest;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.server.ApiITBase;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real server: agents end to end. */
class SdkAgentsIT extends ApiITBase {

    private final List<OpenComputer> clients = new ArrayList<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        clients.add(oc);
        return oc;
    }

    /**
     * A new tenant, created through the SDK with the operator key, and a client holding its key;
     * the tenant has the secret {@code anthropic-key} that the agents below name as credential.
     */
    private OpenComputer newTenantClient(String name) {
        var created = client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name(name).build());
        var oc = client(created.apiKey().key());
        oc.secrets().put("anthropic-key", "sk-ant-test-value");
        return oc;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(OpenComputer::close);
    }

    private static CreateAgentRequest.Builder coder() {
        return CreateAgentRequest.builder().name("coder").model("claude-sonnet-4-5").prompt("You fix bugs.")
                .credential("anthropic-key");
    }

    @Test
    void createsReadsUpdatesAndDeletesAnAgentWithEveryVersionKept() {
        var oc = newTenantClient("sdk-agents-lifecycle");
        Agent created = oc.agents().create(coder().maxSteps(50).putMetadata("team", "payments").build());

        assertThat(created.id()).matches("agt_[0-9a-f]{24}");
        assertThat(created.version()).isEqualTo(1);
        assertThat(created.provider()).isEqualTo("anthropic");
        assertThat(created.tools()).containsExactly("bash", "read_file", "write_file", "edit_file", "list_files");
        assertThat(created.limits().maxSteps()).isEqualTo(50);
        assertThat(created.limits().maxRunTimeSeconds()).isEqualTo(3600);
        assertThat(created.metadata()).containsEntry("team", "payments");
        assertThat(created.createdAt()).isNotNull();
        Agent read = oc.agents().get(created.id());
        assertThat(read).usingRecursiveComparison().ignoringFields("createdAt", "updatedAt").isEqualTo(created);
        // The database rounds to microseconds; the create answer may carry the clock's nanoseconds.
        assertThat(read.createdAt()).isCloseTo(created.createdAt(), within(1, ChronoUnit.MICROS));

        Agent updated = oc.agents().update(created.id(), UpdateAgentRequest.builder()
                .prompt("You fix bugs carefully.").credential(null).maxSteps(null).tools("bash")
                .putMetadata("owner", "ana").build());
        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.prompt()).isEqualTo("You fix bugs carefully.");
        assertThat(updated.credential()).isNull();
        assertThat(updated.limits().maxSteps()).isEqualTo(100); // null went back to the default
        assertThat(updated.tools()).containsExactly("bash");
        assertThat(updated.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("team", "payments", "owner", "ana"));
        assertThat(updated.model()).isEqualTo("claude-sonnet-4-5");

        assertThat(oc.agents().versions(created.id())).extracting(Agent::version).containsExactly(2, 1);
        assertThat(oc.agents().version(created.id(), 1).prompt()).isEqualTo("You fix bugs.");

        oc.agents().delete(created.id());
        assertThatThrownBy(() -> oc.agents().get(created.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> oc.agents().delete(created.id())).isInstanceOf(NotFoundException.class);
        // Sessions that pinned a version can still read it.
        assertThat(oc.agents().version(created.id(), 2).version()).isEqualTo(2);
    }

    @Test
    void listsEveryAgentAcrossPagesNewestFirstWithoutGapsOrRepeats() {
        var oc = newTenantClient("sdk-agents-pages");
        var names = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            names.add(oc.agents().create(CreateAgentRequest.builder().name("agent-" + i).model("gpt-5").build()).name());
        }

        var listing = oc.agents().list(ListParams.limit(3));
        assertThat(listing.stream().map(Agent::name)).containsExactlyElementsOf(names.reversed());
        int pages = 0;
        for (var page : listing.pages()) {
            pages++;
            assertThat(page.data()).allSatisfy(agent -> assertThat(agent.provider()).isEqualTo("openai"));
        }
        assertThat(pages).isEqualTo(3);
        assertThat(oc.agents().list().toList()).hasSize(7);
    }

    @Test
    void anotherTenantsAgentIsNotFoundExactlyLikeAMissingOne() {
        var owner = newTenantClient("sdk-agents-owner");
        var stranger = newTenantClient("sdk-agents-stranger");
        String id = owner.agents().create(coder().build()).id();

        var foreign = catchApi(() -> stranger.agents().get(id));
        var missing = catchApi(() -> stranger.agents().get("agt_0000000000000000deadbeef"));
        assertThat(foreign).isInstanceOf(NotFoundException.class);
        assertThat(missing).isInstanceOf(NotFoundException.class);
        assertThat(foreign.problem().type()).isEqualTo(missing.problem().type())
                .isEqualTo(Problem.TYPE_BASE + "not-found");
        assertThat(foreign.problem().title()).isEqualTo(missing.problem().title());
        assertThat(foreign.requestId()).isPresent();
        assertThatThrownBy(() -> stranger.agents().update(id, UpdateAgentRequest.builder().prompt("mine").build()))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> stranger.agents().delete(id)).isInstanceOf(NotFoundException.class);
        assertThat(owner.agents().get(id).version()).isEqualTo(1);
    }

    @Test
    void validationErrorsListEveryBrokenRuleAndChangeNothing() {
        var oc = newTenantClient("sdk-agents-validation");
        var invalid = catchApi(() -> oc.agents().create(CreateAgentRequest.builder().name("no spaces allowed")
                .model("m").tools("bash", "launch_missiles").maxSteps(0).credential("sk-ant-api03-abc/def+ghi=")
                .build()));
        assertThat(invalid).isInstanceOf(ValidationException.class);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errors()).extracting(Problem.FieldError::field)
                .containsExactlyInAnyOrder("name", "tools", "limits.maxSteps", "credential");
        assertThat(invalid.errors()).allSatisfy(e -> assertThat(e.message()).isNotBlank());
        assertThat(oc.agents().list().toList()).isEmpty();

        String id = oc.agents().create(coder().build()).id();
        assertThatThrownBy(() -> oc.agents().update(id, UpdateAgentRequest.builder().maxRunTimeSeconds(0).build()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(Problem.FieldError::field).containsExactly("limits.maxRunTimeSeconds"));
        assertThat(oc.agents().get(id).version()).isEqualTo(1);

        var unknownSecret = catchApi(() -> oc.agents().create(coder().name("keyless").credential("no-such-secret")
                .build()));
        assertThat(unknownSecret.status()).isEqualTo(422);
        assertThat(unknownSecret.problem().is("unknown-secret")).isTrue();

        assertThatThrownBy(() -> oc.agents().create(coder().build()))
                .isInstanceOfSatisfying(ConflictException.class,
                        e -> assertThat(e.problem().is("conflict")).isTrue());
        assertThatThrownBy(() -> oc.agents().list(new ListParams(null, "bm90LWFuLWlk")).firstPage())
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.parameter()).contains("cursor"));
    }

    @Test
    void aCreateRepeatedWithTheSameIdempotencyKeyReturnsTheFirstAgent() {
        var oc = newTenantClient("sdk-agents-idempotent");
        var once = RequestOptions.builder().idempotencyKey("create-coder-1").build();
        Agent first = oc.agents().create(coder().build(), once);
        Agent again = oc.agents().create(coder().build(), once);
        assertThat(again).isEqualTo(first); // the stored first answer, replayed

        var reused = catchApi(() -> oc.agents().create(coder().name("other").build(), once));
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.problem().is("idempotency-key-reused")).isTrue();
        assertThat(oc.agents().list().toList()).hasSize(1);
    }

    private static ApiException catchApi(Runnable call) {
        try {
            call.run();
        } catch (ApiException e) {
            return e;
        }
        throw new AssertionError("expected an ApiException");
    }
}
