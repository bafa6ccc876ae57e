package dev.opencomputer.sandbox;

/** How a command ended. */
public enum Termination {
    /** The command ended by itself; its exit code is meaningful (137 = it was SIGKILLed, e.g. out of memory). */
    EXITED,
    /** The command ran past its timeout and its whole process tree was killed. */
    TIMED_OUT,
    /** {@link Execution#kill()} ended the command's whole process tree. */
    KILLED,
    /** The sandbox's container stopped (killed, out of memory, removed) while the command ran. */
    SANDBOX_DIED,
    /**
     * The sandbox wrote more than its disk quota where the engine enforces none, and the driver's disk
     * watchdog killed the command's whole process tree ({@link ExecResult#disk()} says how much).
     */
    DISK_EXCEEDED
}
