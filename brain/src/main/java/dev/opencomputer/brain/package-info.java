/**
 * The brain's public API — the worker ({@link dev.opencomputer.brain.BrainWorker}), its ports
 * (leases, session setups, tenant run caps) and the provider-neutral model port
 * ({@link dev.opencomputer.brain.ModelClient}) — and, package-private, the loop that runs sessions
 * behind its runtime seam.
 */
package dev.opencomputer.brain;
