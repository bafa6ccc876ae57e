/** Webhook endpoints, their messages and replay ({@code oc.webhooks()}), and {@link dev.opencomputer.sdk.webhooks.Webhooks#verify} for receivers. */
package dev.opencomputer.sdk.webhooks;
