/**
 * A local HTTP server that speaks the Anthropic Messages and OpenAI Chat Completions wire formats,
 * plays a scripted conversation and records every request, for integration tests and offline demos.
 */
package dev.opencomputer.brain.modelserver;
