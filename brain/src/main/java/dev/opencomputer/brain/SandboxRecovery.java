package dev.opencomputer.brain;

import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.session.RuntimeCrashed;
import dev.opencomputer.session.RuntimeRestarted;
import dev.opencomputer.session.SessionWoke;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a run's sandbox running: started before the run works in it (woken after hibernation, with
 * {@code session.woke}), and brought back on the same workspace when it died or vanished, with
 * {@code runtime.crashed} and {@code runtime.restarted}.
 */
final class SandboxRecovery {

    private static final Logger log = LoggerFactory.getLogger(SandboxRecovery.class);
    /** What the model is told happened to the sandbox once it is back. */
    static final String RESTARTED = "it was restarted on the same workspace: files are kept, "
            + "running processes are gone";

    private final SandboxDriver driver;
    private final SessionSetup setup;
    private final SandboxTools tools;
    private final RunLog runLog;
    private final java.util.List<Runnable> afterRestart = new java.util.concurrent.CopyOnWriteArrayList<>();

    SandboxRecovery(SandboxDriver driver, SessionSetup setup, SandboxTools tools, RunLog runLog) {
        this.driver = driver;
        this.setup = setup;
        this.tools = tools;
        this.runLog = runLog;
    }

    /** Makes sure the session's sandbox runs before the run starts working in it. */
    void ensureRunning() {
        runLog.catchUp();
        if (runLog.conversation().closed()) {
            return; // the run ends at its first step; the closed session's sandbox stays removed
        }
        SandboxState state = inspect();
        boolean stopped = state != null
                && (state.status() == SandboxStatus.STOPPED || state.status() == SandboxStatus.CREATED);
        if (runLog.conversation().hibernated()) {
            // woken by a message: the same workspace, a started container, then the run goes on
            if (stopped) {
                driver.start(setup.sandbox().id());
            } else if (state == null || !state.running()) {
                driver.revive(setup.sandbox());
            }
            runLog.append(new SessionWoke());
        } else if (stopped) {
            driver.start(setup.sandbox().id());
        } else if (state == null || !state.running()) {
            restart();
        }
        if (setup.cwd() != null) {
            tools.makeWorkingDirectory();
        }
    }

    /**
     * The sandbox died or vanished: records {@code runtime.crashed}, brings it back on its
     * workspace, records {@code runtime.restarted}, and says what happened to it.
     */
    String restart() {
        runLog.catchUp();
        if (runLog.conversation().closed()) {
            // closing removed the sandbox: bringing it back would leave a container nobody removes
            log.info("the sandbox {} of {} is gone and the session is closed; not brought back", setup.sandbox().id(),
                    runLog.session());
            return "the session was closed";
        }
        SandboxState state = inspect();
        String why;
        Integer exitCode = null;
        if (state == null || state.status() == SandboxStatus.ABSENT) {
            why = "its container is gone";
        } else if (state.killed()) {
            why = "it was killed (exit 137: out of memory, or killed from outside)";
            exitCode = 137;
        } else if (state.running()) {
            why = "it restarted";
        } else {
            why = "its container stopped" + (state.exitCode() == null ? "" : " with exit code " + state.exitCode());
            exitCode = state.exitCode();
        }
        log.info("the sandbox {} of {} died ({}); restarting it", setup.sandbox().id(), runLog.session(), why);
        runLog.append(new RuntimeCrashed(why, exitCode));
        driver.revive(setup.sandbox());
        runLog.append(new RuntimeRestarted(runLog.conversation().lastSeq()));
        afterRestart.forEach(Runnable::run);
        return why;
    }

    /** Runs {@code action} each time the sandbox was brought back (what ran in it is gone: the egress forwarder). */
    void afterRestart(Runnable action) {
        afterRestart.add(action);
    }

    private SandboxState inspect() {
        try {
            return driver.inspect(setup.sandbox().id());
        } catch (SandboxNotFoundException e) {
            return null;
        }
    }
}
