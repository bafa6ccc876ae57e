/** Tenants, their tiers and limits; created by the operator. */
package dev.opencomputer.server.tenants;
