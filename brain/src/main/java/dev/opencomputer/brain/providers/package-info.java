/**
 * The {@link dev.opencomputer.brain.ModelClient}s on the providers' official SDKs: the Anthropic
 * Messages API (anthropic-java) and OpenAI-compatible Chat Completions (openai-java), with what they
 * share (a call on its own virtual thread, retry-after headers, error bodies) package-private.
 */
package dev.opencomputer.brain.providers;
