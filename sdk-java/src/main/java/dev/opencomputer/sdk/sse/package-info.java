/**
 * Server-sent events: a spec-conforming parser and {@link dev.opencomputer.sdk.sse.EventStream},
 * an iterable stream that reconnects on its own with {@code Last-Event-ID}.
 */
package dev.opencomputer.sdk.sse;
