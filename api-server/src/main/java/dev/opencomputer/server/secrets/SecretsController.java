package dev.opencomputer.server.secrets;

import dev.opencomputer.server.http.RequestBodies;
import dev.opencomputer.secrets.InvalidSecretNameException;
import dev.opencomputer.secrets.InvalidSecretValueException;
import dev.opencomputer.secrets.SecretName;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.secrets.SecretWritten;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.http.Page;
import dev.opencomputer.server.http.PageRequest;
import dev.opencomputer.server.problems.MalformedRequestBodyException;
import dev.opencomputer.server.problems.RequestInvalidException;
import dev.opencomputer.server.problems.ResourceNotFoundException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import dev.opencomputer.server.problems.ResourceInUseException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/secrets}: a tenant writes, lists and deletes its secrets. No endpoint ever returns a
 * value. The PUT body is taken as raw bytes and parsed here, so no codec, argument or parse-error
 * log line can ever carry the value.
 */
@RestController
@RequestMapping("/v1/secrets")
class SecretsController {

    private final SecretStore secrets;
    private final JsonMapper json;
    private final SecretUsers users;

    SecretsController(SecretStore secrets, JsonMapper json, SecretUsers users) {
        this.users = users;
        this.secrets = secrets;
        this.json = json;
    }

    /** Creates the secret (201) or replaces its value (200); body {@code {"value": "..."}}. */
    @PutMapping(path = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SecretResponse> put(Caller caller, @PathVariable String name, @RequestBody byte[] body) {
        var tenant = caller.requireTenant();
        SecretValue value;
        try {
            value = value(body);
        } finally {
            Arrays.fill(body, (byte) 0);
        }
        SecretName secretName;
        try {
            secretName = SecretName.parse(name);
        } catch (InvalidSecretNameException e) {
            throw new RequestInvalidException("name", e.getMessage());
        }
        SecretWritten written;
        try {
            written = secrets.put(tenant.value(), secretName, value);
        } catch (InvalidSecretValueException e) {
            throw new RequestInvalidException("value", e.getMessage());
        } finally {
            value.destroy();
        }
        SecretResponse response = SecretResponse.of(written.secret());
        return written.created()
                ? ResponseEntity.created(URI.create("/v1/secrets/" + secretName.value())).body(response)
                : ResponseEntity.ok(response);
    }

    /** The tenant's secrets ordered by name; {@code cursor} continues after the last name of the previous page. */
    @GetMapping
    Page<SecretResponse> list(Caller caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        var tenant = caller.requireTenant();
        PageRequest page = PageRequest.parse(limit, cursor, SecretName::isValid);
        SecretName after = page.before() == null ? null : SecretName.parse(page.before());
        var rows = secrets.list(tenant.value(), after, page.limit() + 1).stream().map(SecretResponse::of).toList();
        return page.page(rows, SecretResponse::name);
    }

    @GetMapping("/{name}")
    SecretResponse get(Caller caller, @PathVariable String name) {
        var tenant = caller.requireTenant();
        return secrets.find(tenant.value(), existingName(name)).map(SecretResponse::of)
                .orElseThrow(() -> notFound(name));
    }

    /**
     * Deletes a secret. One that agents or triggers use is a 409 {@code in-use} listing them,
     * unless {@code ?force=true} (they then fail with a typed reason when they next need it).
     */
    @DeleteMapping("/{name}")
    ResponseEntity<Void> delete(Caller caller, @PathVariable String name,
            @RequestParam(required = false) String force) {
        var tenant = caller.requireTenant();
        if (!"true".equals(force)) {
            List<String> usedBy = users.of(tenant, existingName(name).value());
            if (!usedBy.isEmpty() && secrets.find(tenant.value(), existingName(name)).isPresent()) {
                throw new ResourceInUseException("secret", name, usedBy);
            }
        }
        if (!secrets.delete(tenant.value(), existingName(name))) {
            throw notFound(name);
        }
        return ResponseEntity.noContent().build();
    }

    private SecretValue value(byte[] body) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JacksonException e) {
            // The parser's message can quote the body; it is dropped on purpose.
            throw new MalformedRequestBodyException("the request body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new RequestInvalidException("", "the body must be a JSON object {\"value\": \"...\"}");
        }
        // the read-only fields of GET /v1/secrets/{name} may come back; anything else is refused
        RequestBodies.requireOnly(tree, "", List.of("value"), List.of("name", "version", "createdAt", "updatedAt"));
        JsonNode value = tree.get("value");
        if (value == null || value.isNull()) {
            throw new RequestInvalidException("value", "is required");
        }
        if (!value.isString()) {
            throw new RequestInvalidException("value", "must be a string");
        }
        try {
            return SecretValue.of(value.asString());
        } catch (InvalidSecretValueException e) {
            throw new RequestInvalidException("value", e.getMessage());
        }
    }

    /** A name from the path; one that could never exist is simply not found. */
    private static SecretName existingName(String name) {
        if (!SecretName.isValid(name)) {
            throw notFound(name);
        }
        return SecretName.parse(name);
    }

    private static ResourceNotFoundException notFound(String name) {
        return new ResourceNotFoundException("secret", name);
    }
}
