/**
 * Sandboxes: isolated containers with a persistent {@code /workspace}, commands run in them
 * (whole or streamed) and files moved in and out.
 */
package dev.opencomputer.sdk.sandboxes;
