/** The calling tenant's usage ({@code /v1/usage}): running time, model calls, tokens and cost per session. */
package dev.opencomputer.sdk.usage;
