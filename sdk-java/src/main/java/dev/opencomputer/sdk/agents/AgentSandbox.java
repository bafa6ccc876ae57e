package dev.opencomputer.sdk.agents;

/** The sandbox an agent's sessions get; a null image means the server's default image. */
public record AgentSandbox(String image) {
}
