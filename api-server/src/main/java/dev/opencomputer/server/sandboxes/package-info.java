/** {@code /v1/sandboxes}: tenants' own sandboxes for one-shot commands and files, with their TTL reaper. */
package dev.opencomputer.server.sandboxes;
