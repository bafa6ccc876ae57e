/** The PostgreSQL implementation of the secret store: sealed secrets, key checks and the reveal audit trail. */
package dev.opencomputer.secrets.postgres;
