package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.List;
import org.springframework.stereotype.Component;

/** Which live (not closed) sessions of a tenant work in a sandbox, so that deleting it can say so. */
@Component
public class SandboxUsers {

    private final SetupTable setups;
    private final SessionDirectory directory;

    SandboxUsers(SetupTable setups, SessionDirectory directory) {
        this.setups = setups;
        this.directory = directory;
    }

    /** The ids of the tenant's sessions on {@code sandbox} that are not closed, sorted. */
    public List<String> of(TenantId tenant, SandboxId sandbox) {
        List<SessionId> on = setups.sessionsOn(tenant, sandbox);
        if (on.isEmpty()) {
            return List.of();
        }
        return directory.findAll(on).values().stream()
                .filter(session -> !session.status().isTerminal())
                .map(session -> session.id().value()).sorted().toList();
    }
}
