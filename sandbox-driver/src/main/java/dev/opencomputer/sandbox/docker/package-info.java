/** The {@link dev.opencomputer.sandbox.SandboxDriver} for any Docker Engine API endpoint (Docker or Podman), on docker-java. */
package dev.opencomputer.sandbox.docker;
