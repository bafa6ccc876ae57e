/**
 * The agent loop's brain: the provider-neutral model port ({@link dev.opencomputer.brain.ModelClient}),
 * the agent's tools and, built on them, the loop that runs sessions.
 */
package dev.opencomputer.brain;
