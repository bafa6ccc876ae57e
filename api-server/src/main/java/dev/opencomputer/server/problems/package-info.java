/** The one place where failures become RFC 9457 problem details with stable types. */
package dev.opencomputer.server.problems;
