package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opencomputer.sdk.AuthenticationException;
import dev.opencomputer.sdk.NotFoundException;
import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.sdk.PermissionDeniedException;
import dev.opencomputer.sdk.ValidationException;
import dev.opencomputer.sdk.apikeys.ApiKey;
import dev.opencomputer.sdk.apikeys.CreateApiKeyRequest;
import dev.opencomputer.sdk.tenants.CreateTenantRequest;
import dev.opencomputer.sdk.tenants.Tenant;
import dev.opencomputer.sdk.tenants.UpdateTenantRequest;
import dev.opencomputer.server.ApiITBase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Java SDK against the real server: tenants (operator) and a tenant's API keys. */
class SdkTenantsAndKeysIT extends ApiITBase {

    private final List<OpenComputer> clients = new ArrayList<>();

    private OpenComputer client(String key) {
        var oc = OpenComputer.builder().apiKey(key).baseUrl("http://localhost:" + port).build();
        clients.add(oc);
        return oc;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(OpenComputer::close);
    }

    @Test
    void theOperatorCreatesListsAndUpdatesTenantsWhoseKeysWork() {
        var operator = client(OPERATOR_KEY);
        var created = operator.tenants().create(CreateTenantRequest.builder().name("sdk-acme").build());
        assertThat(created.tenant().id()).matches("ten_[0-9a-f]{24}");
        assertThat(created.tenant().tier()).isEqualTo("standard");
        assertThat(created.tenant().limits().maxRunningSessions()).isEqualTo(5);
        assertThat(created.apiKey().key()).startsWith("oc_");

        String id = created.tenant().id();
        assertThat(operator.tenants().get(id)).isEqualTo(created.tenant());
        assertThat(operator.tenants().list().stream().map(Tenant::id)).contains(id);

        Tenant renamed = operator.tenants().update(id, UpdateTenantRequest.builder().name("sdk-acme-2").build());
        assertThat(renamed.name()).isEqualTo("sdk-acme-2");
        assertThat(renamed.tier()).isEqualTo("standard");
        assertThatThrownBy(() -> operator.tenants().update(id, UpdateTenantRequest.builder().tier("platinum").build()))
                .isInstanceOfSatisfying(ValidationException.class,
                        e -> assertThat(e.errors()).extracting(err -> err.field()).containsExactly("tier"));
        assertThatThrownBy(() -> operator.tenants().get("ten_0000000000000000deadbeef"))
                .isInstanceOf(NotFoundException.class);

        var tenant = client(created.apiKey().key());
        assertThat(tenant.tenants().current().name()).isEqualTo("sdk-acme-2");
        assertThatThrownBy(() -> tenant.tenants().list().firstPage()).isInstanceOf(PermissionDeniedException.class);
        assertThatThrownBy(() -> operator.agents().list().firstPage()).isInstanceOf(PermissionDeniedException.class);
    }

    @Test
    void aRevokedKeyIsRejectedAtOnceAsAnAuthenticationFailure() {
        var first = client(client(OPERATOR_KEY).tenants()
                .create(CreateTenantRequest.builder().name("sdk-keys").build()).apiKey().key());
        var issued = first.apiKeys().create(CreateApiKeyRequest.builder().name("ci").build());
        var ci = client(issued.key());
        assertThat(ci.tenants().current().name()).isEqualTo("sdk-keys");

        ApiKey revoked = first.apiKeys().revoke(issued.id());
        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(revoked.isActive()).isFalse();

        assertThatThrownBy(() -> ci.agents().list().firstPage())
                .isInstanceOfSatisfying(AuthenticationException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.problem().is("credential-invalid")).isTrue();
                    assertThat(e.requestId()).isPresent();
                });
        assertThat(first.apiKeys().list().toList())
                .extracting(ApiKey::name, ApiKey::isActive)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("ci", false),
                        org.assertj.core.groups.Tuple.tuple("default", true));
        assertThatThrownBy(() -> first.apiKeys().revoke("key_nope")).isInstanceOf(NotFoundException.class);

        var wrong = client("oc_notakey_0000");
        assertThatThrownBy(() -> wrong.tenants().current()).isInstanceOf(AuthenticationException.class);
    }
}
