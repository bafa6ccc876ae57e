package dev.opencomputer.sdk.agents;

/**
 * How long one run may take and how many model steps it may use. In a request, a null field means
 * the default (3600 seconds, 100 steps).
 *
 * @param maxRunTimeSeconds 1..86,400
 * @param maxSteps          1..10,000
 */
public record AgentLimits(Integer maxRunTimeSeconds, Integer maxSteps) {
}
