package dev.opencomputer.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh, empty database in the real PostgreSQL cluster that {@code bin/test} starts, named by
 * {@code OC_TEST_DATABASE_URL} (a JDBC URL of a database whose user may create databases).
 * Each instance owns its own database, so test classes never see each other's rows.
 */
public final class TestDatabase implements AutoCloseable {

    private final String adminUrl;
    private final String name;
    private final String url;

    private TestDatabase(String adminUrl, String name, String url) {
        this.adminUrl = adminUrl;
        this.name = name;
        this.url = url;
    }

    /** Creates a new empty database; fails with a clear message when no cluster is configured. */
    public static TestDatabase create() {
        String adminUrl = adminUrl();
        String name = "oc_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database through " + adminUrl, e);
        }
        return new TestDatabase(adminUrl, name, withDatabase(adminUrl, name));
    }

    /** The JDBC URL of the PostgreSQL cluster's admin database, from {@code OC_TEST_DATABASE_URL}. */
    public static String adminUrl() {
        String url = System.getenv("OC_TEST_DATABASE_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException(
                    "OC_TEST_DATABASE_URL is not set: run the tests with bin/test, which starts PostgreSQL, "
                            + "or export a JDBC URL such as jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
        }
        return url;
    }

    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }

    /** The JDBC URL of this test's own database, user included. */
    public String url() {
        return url;
    }

    /** The database's name. */
    public String name() {
        return name;
    }

    /** Opens a new connection to this test's database. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Drops the database, ending any session still connected to it. */
    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }
}
