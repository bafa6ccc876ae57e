/** Agents: what a session runs (model, prompt, tools, sandbox, limits), kept as immutable versions. */
package dev.opencomputer.server.agents;
