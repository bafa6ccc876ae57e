/** The {@link dev.opencomputer.brain.ModelClient} for the Anthropic Messages API, on the official anthropic-java SDK. */
package dev.opencomputer.brain.anthropic;
