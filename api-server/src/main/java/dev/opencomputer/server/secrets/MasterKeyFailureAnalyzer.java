package dev.opencomputer.server.secrets;

import dev.opencomputer.secrets.InvalidMasterKeyException;
import dev.opencomputer.secrets.MasterKeyException;
import dev.opencomputer.secrets.MasterKeyMismatchException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a master key failure at start-up into Spring Boot's "APPLICATION FAILED TO START" report:
 * the documented message and what to do, without a wall of stack trace.
 */
class MasterKeyFailureAnalyzer extends AbstractFailureAnalyzer<MasterKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MasterKeyException cause) {
        String action = switch (cause) {
            case MasterKeyMismatchException e -> "Configure the master key that this database's secrets were written "
                    + "with (OPENCOMPUTER_SECRETS_MASTER_KEY or OPENCOMPUTER_SECRETS_MASTER_KEY_FILE). "
                    + "A new key needs a new version number. See docs/operations.md, 'Master key problems at start-up'.";
            case MasterKeyMissingException e -> "Configure the master keyring (OPENCOMPUTER_SECRETS_MASTER_KEY or "
                    + "OPENCOMPUTER_SECRETS_MASTER_KEY_FILE) with every version that stored secrets still use. "
                    + "See docs/config.md and docs/operations.md.";
            case InvalidMasterKeyException e -> "Fix the master keyring: entries are <version>:<base64 of 32 random "
                    + "bytes>, e.g. 1:$(head -c 32 /dev/urandom | base64). See docs/config.md.";
        };
        return new FailureAnalysis(cause.getMessage(), action, cause);
    }
}
