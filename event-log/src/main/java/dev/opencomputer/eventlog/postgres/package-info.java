/** The event log on PostgreSQL: gapless appends under the session row lock, group commit, LISTEN/NOTIFY wake-ups. */
package dev.opencomputer.eventlog.postgres;
