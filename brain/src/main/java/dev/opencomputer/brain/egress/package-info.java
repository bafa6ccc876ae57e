/**
 * Egress: what a session's sandbox may reach on the network — its agent's policy, narrowed by the
 * session, under the operator's rules — and the proxy that enforces it, served on the sandbox's
 * socket directory like the model gateway, logging every connection as {@code network.request}.
 */
package dev.opencomputer.brain.egress;
