/** {@code /v1/secrets}: a tenant's secrets (names and times, never values), master key rotation for the operator, and the secret store's wiring. */
package dev.opencomputer.server.secrets;
