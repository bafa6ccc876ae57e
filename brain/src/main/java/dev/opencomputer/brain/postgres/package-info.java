/** Session leases on PostgreSQL: claiming runnable sessions with SKIP LOCKED, heartbeats and fencing tokens. */
package dev.opencomputer.brain.postgres;
