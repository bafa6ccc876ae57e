package dev.opencomputer.sandbox;

import java.io.OutputStream;

/**
 * A command running in a sandbox with its standard input attached: what is written to {@link #stdin()}
 * reaches the process, its output goes to the {@link OutputListener} given at start (a server that
 * speaks a protocol over stdio, such as an MCP server). Closing {@link #stdin()} only ends its input:
 * the process is ended by {@link #kill()}, never by closing a stream (engines do not end it then).
 */
public interface AttachedExecution extends Execution {

    /** The process's standard input; thread-safe, each write delivered whole and in order. */
    OutputStream stdin();
}
