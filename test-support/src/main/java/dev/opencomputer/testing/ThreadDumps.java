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

    /** Begins the database part of a dump, after the threads: {@link #summary} finds it by this. */
    private static final String DATABASE = "\n-- database: ";

    private ThreadDumps() {
    }

    /** Writes the dump to {@code target/thread-dumps/<name>-<millis>.txt}; returns its path, or why it failed. */
    public static String write(String name) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "thread-dumps"));
            Path file = directory.resolve(name + "-" + System.currentTimeMillis() + ".txt").toAbsolutePath();
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            Files.writeString(file, databaseActivity(), java.nio.file.StandardOpenOption.APPEND);
            return file.toString();
        } catch (IOException | RuntimeException e) {
            return "no dump: " + e;
        }
    }

    /**
     * The parts of a dump written by {@link #write} worth reading in a CI log: the threads inside
     * JDBC, the connection pool or our own code (a stalled call shows where it waits), and the
     * database activity. Empty when the file cannot be read.
     */
    public static String summary(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int database = text.indexOf(DATABASE);
        String threads = database < 0 ? text : text.substring(0, database);
        for (String block : threads.split("\n\s*\n")) {
            if ((block.contains("org.postgresql") || block.contains("com.zaxxer.hikari")
                    || block.contains("dev.opencomputer.server")) && !block.contains("dev.opencomputer.testing")) {
                out.append(block.strip()).append("\n\n");
            }
        }
        if (database >= 0) {
            out.append(text.substring(database).strip()).append('\n');
        }
        return out.toString();
    }

    /**
     * What the tests' PostgreSQL is doing ({@code OC_TEST_DATABASE_URL}): every backend with its state
     * and wait, and every lock not granted with who holds it. A stalled query shows here (SessionStreamIT
     * once waited 30 s on a plain select; the threads alone did not say why).
     */
    static String databaseActivity() {
        String url = System.getenv("OC_TEST_DATABASE_URL");
        if (url == null) {
            return DATABASE + "no OC_TEST_DATABASE_URL, activity not dumped\n";
        }
        StringBuilder out = new StringBuilder(DATABASE + "pg_stat_activity\n");
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url);
             java.sql.Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(10);
            rows(statement, "select pid, datname, state, wait_event_type, wait_event, backend_start, xact_start, "
                    + "query_start, left(regexp_replace(query, '\\s+', ' ', 'g'), 300) as query "
                    + "from pg_stat_activity where pid <> pg_backend_pid() order by pid", out);
            out.append("\n-- locks not granted, with the pids blocking them\n");
            rows(statement, "select l.pid, l.locktype, l.mode, l.relation::regclass as relation, "
                    + "pg_blocking_pids(l.pid) as blocked_by from pg_locks l where not l.granted", out);
        } catch (java.sql.SQLException e) {
            out.append("cannot read: ").append(e).append('\n');
        }
        return out.toString();
    }

    private static void rows(java.sql.Statement statement, String sql, StringBuilder out) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    out.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=')
                            .append(rs.getString(i));
                }
                out.append('\n');
            }
        }
    }
}
