package dev.opencomputer.sdk.tenants;

import dev.opencomputer.sdk.apikeys.IssuedApiKey;

/** A new tenant and its first API key — the only time that key is shown. */
public record CreatedTenant(Tenant tenant, IssuedApiKey apiKey) {
}
