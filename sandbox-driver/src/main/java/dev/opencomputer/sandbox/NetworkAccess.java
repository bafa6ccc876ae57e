package dev.opencomputer.sandbox;

/** What a sandbox may reach over the network. */
public enum NetworkAccess {
    /** No network interface but loopback: the default. */
    NONE,
    /** Outbound connections through the operator's egress network; only when the operator allows it. */
    EGRESS
}
