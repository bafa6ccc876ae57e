/** Session budgets: the limits a session runs under, what it spent, and changing them ({@code /v1/sessions/{id}/budget}). */
package dev.opencomputer.server.budgets;
