package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.ListParams;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.PermissionDeniedException;
import dev.opencomputer.sdk.Problem;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.secrets.Secret;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.server.ApiITBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real server: secrets and master key rotation. */
class SdkSecretsIT extends ApiITBase {

    private final List<OpenComputer> clients = new ArrayList<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        clients.add(oc);
        return oc;
    }

    private OpenComputer newTenantClient(String name) {
        return client(client(OPERATOR_KEY).tenants().create(CreateTenantRequest.builder().name(name).build())
                .apiKey().key());
    }

    @AfterEach
    void closeClients() {
        clients.forEach(OpenComputer::close);
    }

    @Test
    void putCreatesThenReplacesAValueThatIsNeverShownAgain() {
        var oc = newTenantClient("sdk-secrets");
        Secret created = oc.secrets().put("ANTHROPIC_API_KEY", "sk-ant-first");
        assertThat(created.name()).isEqualTo("ANTHROPIC_API_KEY");
        assertThat(created.version()).isEqualTo(1);

        Secret replaced = oc.secrets().put("ANTHROPIC_API_KEY", "sk-ant-second");
        assertThat(replaced.version()).isEqualTo(2);
        assertThat(replaced.createdAt()).isEqualTo(created.createdAt());
        assertThat(oc.secrets().get("ANTHROPIC_API_KEY")).isEqualTo(replaced);
        assertThat(replaced.toString()).doesNotContain("sk-ant");

        oc.secrets().delete("ANTHROPIC_API_KEY");
        assertThatThrownBy(() -> oc.secrets().get("ANTHROPIC_API_KEY")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> oc.secrets().delete("ANTHROPIC_API_KEY")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void listsSecretsByNameAcrossPages() {
        var oc = newTenantClient("sdk-secrets-pages");
        for (String name : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
            oc.secrets().put(name, "value-of-" + name);
        }
        assertThat(oc.secrets().list(ListParams.limit(2)).stream().map(Secret::name))
                .containsExactly("alpha", "bravo", "charlie", "delta", "echo");
    }

    @Test
    void badNamesAndValuesAreValidationErrorsAndOtherTenantsSecretsAreNotFound() {
        var oc = newTenantClient("sdk-secrets-invalid");
        assertThatThrownBy(() -> oc.secrets().put("9-starts-with-a-digit", "v"))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(Problem.FieldError::field).containsExactly("name"));
        assertThatThrownBy(() -> oc.secrets().put("empty", ""))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.errors())
                        .extracting(Problem.FieldError::field).containsExactly("value"));

        oc.secrets().put("mine", "v");
        var stranger = newTenantClient("sdk-secrets-stranger");
        assertThatThrownBy(() -> stranger.secrets().get("mine")).isInstanceOf(NotFoundException.class);
        assertThat(stranger.secrets().list().toList()).isEmpty();
    }

    @Test
    void theOperatorSeesTheKeyringAndRewrapsButATenantMayNot() {
        var operator = client(OPERATOR_KEY);
        newTenantClient("sdk-secrets-rewrap").secrets().put("k", "v");

        var keyring = operator.secrets().keyring();
        assertThat(keyring.activeKeyVersion()).isEqualTo(1);
        assertThat(keyring.configuredVersions()).containsExactly(1);
        var report = operator.secrets().rewrap();
        assertThat(report.activeKeyVersion()).isEqualTo(1);
        assertThat(report.failed()).isEmpty();
        assertThat(report.secretsByKeyVersion()).containsOnlyKeys(1);

        var tenant = newTenantClient("sdk-secrets-not-operator");
        assertThatThrownBy(() -> tenant.secrets().keyring()).isInstanceOf(PermissionDeniedException.class);
    }
}
