package dev.opencomputer.brain.github;

import dev.opencomputer.brain.BrainTools;
import dev.opencomputer.brain.ToolSpec;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.github.GithubException;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.PullRequestOpened;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * GitHub as tools the brain runs itself, for sessions whose metadata names a repository and a
 * credential ({@link GithubTask}): the checkout is prepared when a run opens, and the model gets
 * {@code open_pull_request}. {@code pull_request.opened} is appended once per pull request, however
 * often the call is repeated or rerun after a crash.
 */
public final class GithubTools implements BrainTools {

    private final GithubSessions github;
    private final EventLog eventLog;

    public GithubTools(GithubSessions github, EventLog eventLog) {
        this.github = github;
        this.eventLog = eventLog;
    }

    @Override
    public List<ToolSpec> specs(Session session) {
        return GithubTask.of(session.metadata()).isPresent() ? List.of(GithubSessions.OPEN_PULL_REQUEST) : List.of();
    }

    @Override
    public void prepare(Session session) {
        Optional<GithubTask> task = GithubTask.of(session.metadata());
        if (task.isPresent()) {
            try {
                github.prepare(session.setup().tenant(), session.id(), session.setup().sandbox().id(), task.get());
            } catch (GithubException e) {
                throw new GithubException("the checkout of " + task.get().repository() + " failed: " + e.getMessage(),
                        e.status());
            }
        }
    }

    @Override
    public List<SessionEvent> call(Session session, ContentBlock.ToolUse call) {
        GithubTask task = GithubTask.of(session.metadata())
                .orElseThrow(() -> new IllegalArgumentException("this session has no GitHub repository"));
        Object title = call.input().get("title");
        Object body = call.input().get("body");
        Object branch = call.input().get("branch");
        if (!(title instanceof String) || (body != null && !(body instanceof String))
                || (branch != null && !(branch instanceof String))) {
            return List.of(error(call, "title (a string) is required; body and branch are optional strings"));
        }
        GithubSessions.Opened opened;
        try {
            opened = github.openPullRequest(session.setup().tenant(), session.id(), session.setup().sandbox().id(),
                    task, (String) title, (String) body, (String) branch);
        } catch (IllegalArgumentException | GithubException e) {
            return List.of(error(call, e.getMessage()));
        }
        PullRequestOpened event = opened.event();
        List<SessionEvent> events = new ArrayList<>();
        if (!logged(session, event)) {
            events.add(event);
        }
        events.add(new ToolResult(call.id(), call.name(), (opened.created() ? "Opened" : "Updated")
                + " pull request #" + event.number() + " (" + event.url() + ") from " + event.branch() + " at "
                + event.headSha(), false));
        return events;
    }

    private boolean logged(Session session, PullRequestOpened event) {
        for (LoggedEvent logged : eventLog.readOfTypes(session.id(), Set.of(PullRequestOpened.class))) {
            if (logged.event() instanceof PullRequestOpened earlier && earlier.url().equals(event.url())) {
                return true;
            }
        }
        return false;
    }

    private static ToolResult error(ContentBlock.ToolUse call, String message) {
        return new ToolResult(call.id(), call.name(), message, true);
    }
}
