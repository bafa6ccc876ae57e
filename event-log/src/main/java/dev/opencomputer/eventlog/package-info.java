/** The append-only, gapless per-session event log and its live subscriptions: the product's source of truth. */
package dev.opencomputer.eventlog;
