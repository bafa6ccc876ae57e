/** Outgoing webhooks: endpoints, signed Standard Webhooks messages derived from the event log, retries, dead letters and replay. */
package dev.opencomputer.webhooks;
