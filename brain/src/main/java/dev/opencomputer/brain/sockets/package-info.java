/**
 * How a sandbox without a network reaches the brain: one Unix socket per service in each sandbox's
 * socket directory (mounted read-only into the sandbox), bridged to the sandbox's loopback by the
 * forwarder in the image. The model gateway and the egress proxy are both served this way.
 */
package dev.opencomputer.brain.sockets;
