/** Delivering one signed message over HTTP, connecting only to addresses the SSRF guard allowed. */
package dev.opencomputer.webhooks.http;
