package dev.opencomputer.sdk.runtimes;

/**
 * One runtime an agent may name in its {@code runtime} field.
 *
 * @param kind      {@code native} (the brain's own loop) or {@code acp} (an ACP agent in the sandbox)
 * @param provider  the model provider it speaks ({@code anthropic}, {@code openai}), null for any
 * @param image     the sandbox image it runs in, null for the agent's own
 * @param installed whether its image is present on the container engine
 * @param resumable whether a restarted agent resumes its own session ({@code session/load})
 */
public record Runtime(String name, String kind, String provider, String image, boolean installed,
        boolean resumable) {
}
