/** {@code /v1/webhook-endpoints} and {@code /v1/webhook-messages}, and the dispatcher role that delivers them. */
package dev.opencomputer.server.webhooks;
