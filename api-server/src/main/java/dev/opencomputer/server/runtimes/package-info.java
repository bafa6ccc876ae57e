/** {@code /v1/runtimes}: the agent runtimes this deployment offers, and the check that an agent's runtime is installed. */
package dev.opencomputer.server.runtimes;
