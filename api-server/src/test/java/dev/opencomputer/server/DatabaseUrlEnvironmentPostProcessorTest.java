package dev.opencomputer.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DatabaseUrlEnvironmentPostProcessorTest {

    @Test
    void aPostgresUrlBecomesAJdbcUrlWithCredentials() {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("DATABASE_URL", "postgres://oc:p%40ss@db.internal:6543/opencomputer?sslmode=require")));
        new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.datasource.url"))
                .isEqualTo("jdbc:postgresql://db.internal:6543/opencomputer?sslmode=require");
        assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("oc");
        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("p@ss");
    }

    @Test
    void aJdbcUrlIsLeftAlone() {
        var environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("DATABASE_URL", "jdbc:postgresql://localhost/x")));
        new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(environment, null);
        assertThat(environment.getProperty("spring.datasource.username")).isNull();
    }
}
