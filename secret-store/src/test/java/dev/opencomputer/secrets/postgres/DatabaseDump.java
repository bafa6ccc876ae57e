package dev.opencomputer.secrets.postgres;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Every row of every table in a database as PostgreSQL's own text output ({@code COPY ... TO
 * STDOUT}, bytea in hex), the way {@code pg_dump --data-only} would write it.
 */
final class DatabaseDump {

    private DatabaseDump() {
    }

    static String of(Connection connection) throws Exception {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = connection.createStatement().executeQuery("""
                SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
                WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        if (tables.isEmpty()) {
            throw new SQLException("no tables to dump");
        }
        StringWriter out = new StringWriter();
        for (String table : tables) {
            out.write("-- " + table + "\n");
            connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table + ") TO STDOUT", out);
        }
        return out.toString();
    }
}
