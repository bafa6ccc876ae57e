/**
 * GitHub triggers: a label added to an issue starts a session of an agent, and a collaborator's
 * comment on that issue steers it. The inbound hook is authenticated by GitHub's signature alone.
 */
package dev.opencomputer.server.github;
