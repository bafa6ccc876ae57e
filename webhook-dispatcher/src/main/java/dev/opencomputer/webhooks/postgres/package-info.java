/** The webhook endpoints, messages, attempts and the dispatcher's claims on PostgreSQL. */
package dev.opencomputer.webhooks.postgres;
