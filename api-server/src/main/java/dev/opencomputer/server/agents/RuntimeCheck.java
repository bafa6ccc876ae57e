package dev.opencomputer.server.agents;

/**
 * Confirms that the runtime an agent names exists and is installed on the engine, and fills in the
 * sandbox image the runtime needs when the agent names none; throws a validation problem naming the
 * runtime otherwise. Implemented by the runtimes package.
 */
public interface RuntimeCheck {

    /** The runtimes of this deployment by name ({@code GET /v1/runtimes}). */
    java.util.Collection<String> names();

    /** The spec to store: {@code spec}, with the runtime's image when it names no image. */
    AgentSpec requireInstalled(AgentSpec spec);
}
