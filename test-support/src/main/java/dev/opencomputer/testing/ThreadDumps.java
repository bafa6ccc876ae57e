package dev.opencomputer.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dump of every thread of this JVM, virtual threads included (which {@code jstack} leaves
 * out), for a test that found the code under test stalled: it says where each thread waits.
 */
public final class ThreadDumps {

    private ThreadDumps() {
    }

    /** Writes the dump to {@code target/thread-dumps/<name>-<millis>.txt}; returns its path, or why it failed. */
    public static String write(String name) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "thread-dumps"));
            Path file = directory.resolve(name + "-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return file.toString();
        } catch (IOException | RuntimeException e) {
            return "no dump: " + e;
        }
    }
}
