/**
 * A small client of the Agent Client Protocol (newline-delimited JSON-RPC 2.0) over any pair of byte
 * streams — here an agent process's stdio inside a sandbox, attached through the engine's exec.
 */
package dev.opencomputer.brain.acp;
