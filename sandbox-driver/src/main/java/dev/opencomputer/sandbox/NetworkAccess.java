package dev.opencomputer.sandbox;

/**
 * What a sandbox may reach over the network: nothing of its own. A sandbox never gets a network
 * interface but loopback ({@code NetworkMode=none}); a session's sandbox reaches the network only
 * through the brain's egress proxy, over its socket directory ({@code docs/network.md}). The former
 * {@code EGRESS} mode, which joined the engine's shared bridge network, is gone.
 */
public enum NetworkAccess {
    /** No network interface but loopback: the only mode. */
    NONE
}
