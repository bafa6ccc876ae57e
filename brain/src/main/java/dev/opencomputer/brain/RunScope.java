package dev.opencomputer.brain;

/**
 * What one run gives its {@link AgentRuntime}: the ports, the session's setup, the fenced log
 * (appends and the folded conversation), the stop signals to wait through, the session's sandbox
 * tools and its recovery, and the session's {@link Budget} (checked before every model call).
 */
record RunScope(RunContext context, SessionSetup setup, RunLog log, RunSignals signals, SandboxTools tools,
        SandboxRecovery sandbox, Budget budget) {
}
