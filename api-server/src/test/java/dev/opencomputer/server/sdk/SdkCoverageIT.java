package dev.opencomputer.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.sdk.OpenComputer;
import dev.opencomputer.server.ApiITBase;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SDK cannot fall behind the API: every operation of the OpenAPI document the server serves
 * ({@code /v3/api-docs}) is either mapped here to the public SDK method that calls it — which must
 * exist — or listed in {@link #NOT_IN_THE_SDK} with the reason (docs/sdk.md repeats the list). A new
 * route fails this test until the SDK has a method for it.
 */
class SdkCoverageIT extends ApiITBase {

    /** Operations deliberately left out of the SDK, with why; documented in docs/sdk.md. */
    static final Map<String, String> NOT_IN_THE_SDK = Map.of(
            "POST /v1/github/hooks/{triggerId}", "GitHub's webhook delivery, signed with the trigger's secret;"
                    + " called by GitHub, never by a client");

    /** Each operation and the SDK method that calls it: {@code resource accessor#method}. */
    static final Map<String, String> SDK_METHODS = new LinkedHashMap<>();

    static {
        Map<String, String> m = SDK_METHODS;
        m.put("POST /v1/tenants", "tenants#create");
        m.put("GET /v1/tenants", "tenants#list");
        m.put("GET /v1/tenants/{id}", "tenants#get");
        m.put("PATCH /v1/tenants/{id}", "tenants#update");
        m.put("GET /v1/tenant", "tenants#current");
        m.put("POST /v1/api-keys", "apiKeys#create");
        m.put("GET /v1/api-keys", "apiKeys#list");
        m.put("DELETE /v1/api-keys/{id}", "apiKeys#revoke");
        m.put("POST /v1/agents", "agents#create");
        m.put("GET /v1/agents", "agents#list");
        m.put("GET /v1/agents/{id}", "agents#get");
        m.put("PATCH /v1/agents/{id}", "agents#update");
        m.put("DELETE /v1/agents/{id}", "agents#delete");
        m.put("GET /v1/agents/{id}/versions", "agents#versions");
        m.put("GET /v1/agents/{id}/versions/{version}", "agents#version");
        m.put("GET /v1/runtimes", "runtimes#list");
        m.put("PUT /v1/secrets/{name}", "secrets#put");
        m.put("GET /v1/secrets", "secrets#list");
        m.put("GET /v1/secrets/{name}", "secrets#get");
        m.put("DELETE /v1/secrets/{name}", "secrets#delete");
        m.put("GET /v1/admin/secrets/keyring", "secrets#keyring");
        m.put("POST /v1/admin/secrets/rewrap", "secrets#rewrap");
        m.put("POST /v1/sessions", "sessions#create");
        m.put("GET /v1/sessions", "sessions#list");
        m.put("GET /v1/sessions/{id}", "sessions#get");
        m.put("DELETE /v1/sessions/{id}", "sessions#destroy");
        m.put("POST /v1/sessions/{id}/messages", "sessions#sendMessage");
        m.put("GET /v1/sessions/{id}/events", "sessions#events");
        m.put("GET /v1/sessions/{id}/stream", "sessions#stream");
        m.put("POST /v1/sessions/{id}/cancel", "sessions#cancel");
        m.put("POST /v1/sessions/{id}/close", "sessions#close");
        m.put("POST /v1/sessions/{id}/wake", "sessions#wake");
        m.put("GET /v1/sessions/{id}/config-options", "sessions#configOptions");
        m.put("PATCH /v1/sessions/{id}/config", "sessions#changeConfig");
        m.put("GET /v1/sessions/{id}/pending", "sessions#pending");
        m.put("POST /v1/sessions/{id}/permissions/{requestId}", "sessions#approve");
        m.put("POST /v1/sessions/{id}/tool-results", "sessions#submitToolResult");
        m.put("GET /v1/sessions/{id}/budget", "sessions#budget");
        m.put("PATCH /v1/sessions/{id}/budget", "sessions#changeBudget");
        m.put("POST /v1/sessions/{id}/client-tokens", "sessions#clientToken");
        m.put("GET /v1/usage", "usage#get");
        m.put("POST /v1/sandboxes", "sandboxes#create");
        m.put("GET /v1/sandboxes", "sandboxes#list");
        m.put("GET /v1/sandboxes/{id}", "sandboxes#get");
        m.put("DELETE /v1/sandboxes/{id}", "sandboxes#delete");
        m.put("POST /v1/sandboxes/{id}/stop", "sandboxes#stop");
        m.put("POST /v1/sandboxes/{id}/start", "sandboxes#start");
        m.put("POST /v1/sandboxes/{id}/exec", "sandboxes#exec");
        m.put("PUT /v1/sandboxes/{id}/files", "sandboxes#writeFile");
        m.put("GET /v1/sandboxes/{id}/files", "sandboxes#readFile");
        m.put("POST /v1/webhook-endpoints", "webhooks#create");
        m.put("GET /v1/webhook-endpoints", "webhooks#list");
        m.put("GET /v1/webhook-endpoints/{id}", "webhooks#get");
        m.put("PATCH /v1/webhook-endpoints/{id}", "webhooks#update");
        m.put("DELETE /v1/webhook-endpoints/{id}", "webhooks#delete");
        m.put("POST /v1/webhook-endpoints/{id}/rotate-secret", "webhooks#rotateSecret");
        m.put("POST /v1/webhook-endpoints/{id}/test", "webhooks#test");
        m.put("GET /v1/webhook-endpoints/{id}/messages", "webhooks#messages");
        m.put("POST /v1/webhook-endpoints/{id}/recover", "webhooks#recover");
        m.put("GET /v1/webhook-messages/{id}", "webhooks#message");
        m.put("POST /v1/webhook-messages/{id}/retry", "webhooks#retry");
        m.put("POST /v1/github/triggers", "githubTriggers#create");
        m.put("GET /v1/github/triggers", "githubTriggers#list");
        m.put("GET /v1/github/triggers/{id}", "githubTriggers#get");
        m.put("PATCH /v1/github/triggers/{id}", "githubTriggers#update");
        m.put("DELETE /v1/github/triggers/{id}", "githubTriggers#delete");
    }

    private static final Set<String> METHODS = Set.of("get", "put", "post", "patch", "delete");

    @Test
    void everyServedOperationHasAnSdkMethodOrADocumentedExclusion() {
        String document = anonymous().get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        JsonNode paths = JsonMapper.builder().build().readTree(document).path("paths");
        Set<String> served = new TreeSet<>();
        for (String path : paths.propertyNames()) {
            for (String method : paths.get(path).propertyNames()) {
                if (METHODS.contains(method)) {
                    served.add(method.toUpperCase(Locale.ROOT) + " " + path);
                }
            }
        }
        assertThat(served).as("the served document lists the API").contains("POST /v1/sessions",
                "GET /v1/sessions/{id}/stream");

        Set<String> uncovered = new TreeSet<>(served);
        uncovered.removeAll(SDK_METHODS.keySet());
        uncovered.removeAll(NOT_IN_THE_SDK.keySet());
        assertThat(uncovered).as("operations with neither an SDK method nor a documented exclusion").isEmpty();

        Set<String> stale = new TreeSet<>(SDK_METHODS.keySet());
        stale.addAll(NOT_IN_THE_SDK.keySet());
        stale.removeAll(served);
        assertThat(stale).as("mapped operations the server no longer serves").isEmpty();
    }

    @Test
    void everyMappedSdkMethodExists() {
        Set<String> missing = new TreeSet<>();
        SDK_METHODS.forEach((operation, target) -> {
            String[] parts = target.split("#");
            Class<?> resource;
            try {
                resource = OpenComputer.class.getMethod(parts[0]).getReturnType();
            } catch (NoSuchMethodException e) {
                missing.add(operation + " -> OpenComputer." + parts[0] + "()");
                return;
            }
            boolean found = Arrays.stream(resource.getMethods()).map(Method::getName).anyMatch(parts[1]::equals)
                    && Arrays.stream(resource.getMethods()).filter(m -> m.getName().equals(parts[1]))
                            .anyMatch(m -> Modifier.isPublic(m.getModifiers()));
            if (!found) {
                missing.add(operation + " -> " + resource.getSimpleName() + "." + parts[1]);
            }
        });
        assertThat(missing).as("SDK methods named for operations").isEmpty();
    }

    @Test
    void theExclusionsAreTheOnesDocsSdkMdLists() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "sdk.md"));
        for (String operation : NOT_IN_THE_SDK.keySet()) {
            assertThat(doc).as("docs/sdk.md lists the exclusion").contains("`" + operation + "`");
        }
    }
}
