package dev.opencomputer.sdk.tenants;

/** Limits of a tenant's tier: how many sessions may run and how many sandboxes may live at once. */
public record TenantLimits(int maxRunningSessions, int maxLiveSandboxes) {
}
