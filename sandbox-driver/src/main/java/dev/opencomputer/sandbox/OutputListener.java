package dev.opencomputer.sandbox;

/**
 * Receives a command's output as it arrives. Calls for one execution come from a single thread,
 * in the order the engine delivered them; a listener that blocks slows the command's output down
 * (back-pressure) instead of buffering it. A listener that throws stops receiving output, the
 * command keeps running.
 */
@FunctionalInterface
public interface OutputListener {

    /** A listener that discards everything (the result still keeps each stream's tail). */
    OutputListener NONE = (kind, chunk) -> {
    };

    /** One chunk of output; the array is the listener's to keep. */
    void onOutput(OutputKind kind, byte[] chunk);
}
