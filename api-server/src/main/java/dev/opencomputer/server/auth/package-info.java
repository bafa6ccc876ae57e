/** Who is calling: the operator credential, tenant API keys, and the {@link dev.opencomputer.server.auth.Caller} they resolve to. */
package dev.opencomputer.server.auth;
