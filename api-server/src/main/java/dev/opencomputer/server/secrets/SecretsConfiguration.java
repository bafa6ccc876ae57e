package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.KeyringStatus;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretStoreProperties;
import dev.opencomputer.secrets.postgres.PostgresSecretStore;
import java.security.SecureRandom;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds the secret store from {@code opencomputer.secrets.*} and proves the master keyring
 * against the database before the application accepts a request: a missing or wrong master key
 * stops start-up with a {@link dev.opencomputer.secrets.MasterKeyException} (reported by
 * {@link MasterKeyFailureAnalyzer}), never a fallback.
 */
@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecretsConfiguration.class);

    @Bean
    SecretStoreProperties secretStoreProperties(Environment environment) {
        return Binder.get(environment).bindOrCreate("opencomputer.secrets", SecretStoreProperties.class);
    }

    /** Runs after Flyway; verifying here makes a bad keyring fail the start, not the first request. */
    @Bean
    @DependsOnDatabaseInitialization
    SecretStore secretStore(DataSource dataSource, SecretStoreProperties properties, Clock clock) {
        PostgresSecretStore store = new PostgresSecretStore(dataSource, properties, new SecureRandom(), clock);
        KeyringStatus status = store.verifyKeyring();
        if (status.secretsByKeyVersion().keySet().stream().anyMatch(version -> version != status.activeVersion())) {
            log.warn("Some secrets are still wrapped with an older master key version ({} per version, active {}); "
                    + "run the rewrap (POST /v1/admin/secrets/rewrap) before retiring a version",
                    status.secretsByKeyVersion(), status.activeVersion());
        }
        return store;
    }
}
