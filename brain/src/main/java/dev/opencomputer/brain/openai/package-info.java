/** The {@link dev.opencomputer.brain.ModelClient} for OpenAI-compatible Chat Completions, on the official openai-java SDK. */
package dev.opencomputer.brain.openai;
