/**
 * Tenant secrets (model keys) encrypted at rest with per-secret data keys wrapped by a rotatable
 * master keyring; the plaintext leaves this module only through {@link dev.opencomputer.secrets.SecretStore#reveal}.
 */
package dev.opencomputer.secrets;
