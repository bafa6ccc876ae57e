package dev.opencomputer.server.auth;

import dev.opencomputer.eventlog.SessionDirectory;
import dev.opencomputer.session.SessionId;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * What a well-signed credential still needs in order to count: a client token's session still
 * exists (destroying it makes its tokens worthless, 401) and the API key that minted it is not
 * revoked. Asked once per request, and by {@code StreamGuard} for open streams, in bulk.
 */
@Component
public class TokenLiveness {

    private final SessionDirectory directory;
    private final ApiKeys apiKeys;

    TokenLiveness(SessionDirectory directory, ApiKeys apiKeys) {
        this.directory = directory;
        this.apiKeys = apiKeys;
    }

    /** Whether the client token still counts; blocking (one or two lookups). */
    boolean live(Caller.SessionClient client) {
        if (client.mintedBy() != null && apiKeys.revokedAmong(Set.of(client.mintedBy())).contains(client.mintedBy())) {
            return false;
        }
        return directory.find(client.tenantId(), client.sessionId()).isPresent();
    }

    /** Of {@code sessions}, those that no longer exist (destroyed); one query. */
    public Set<SessionId> gone(Collection<SessionId> sessions) {
        Map<SessionId, ?> found = directory.findAll(sessions);
        return sessions.stream().filter(id -> !found.containsKey(id)).collect(java.util.stream.Collectors.toSet());
    }

    /** Of {@code keyIds}, those that are revoked; one query. */
    public Set<String> revoked(Collection<String> keyIds) {
        return apiKeys.revokedAmong(keyIds);
    }
}
