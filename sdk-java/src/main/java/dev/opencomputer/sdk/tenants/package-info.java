/** Tenants, managed by the operator ({@code oc.tenants()}), and a tenant's view of itself. */
package dev.opencomputer.sdk.tenants;
