/** The event log on PostgreSQL: gapless appends under the session row lock, group commit, LISTEN/NOTIFY wake-ups, and the directory of its sessions rows. */
package dev.opencomputer.eventlog.postgres;
