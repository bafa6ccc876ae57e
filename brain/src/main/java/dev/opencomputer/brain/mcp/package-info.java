/** The brain's MCP clients on the MCP Java SDK: stdio servers in the sandbox, Streamable-HTTP servers from the brain. */
package dev.opencomputer.brain.mcp;
