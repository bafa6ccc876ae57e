package dev.opencomputer.session;

import java.util.Locale;
import java.util.Set;

/**
 * A session's live configuration: model, mode and thought level, the fold of its
 * {@link SessionConfigChanged} events over the defaults it started with. A change's blank or absent
 * field leaves the value as it was; thought levels are lowercase.
 *
 * @param model        the model of the next model call
 * @param mode         e.g. {@code auto} or {@code plan}
 * @param thoughtLevel e.g. {@code off}, {@code low}, {@code high}
 */
public record LiveConfig(String model, String mode, String thoughtLevel) {

    /** The only event types that can change the live configuration; a reader may skip the rest. */
    public static final Set<Class<? extends SessionEvent>> CHANGED_BY = Set.of(SessionConfigChanged.class);

    /** The configuration after {@code event}. */
    public LiveConfig after(SessionEvent event) {
        return switch (event) {
            case SessionConfigChanged c -> new LiveConfig(or(c.model(), model), or(c.mode(), mode),
                    or(c.thoughtLevel(), thoughtLevel).toLowerCase(Locale.ROOT));
            case SessionStarted e -> this;
            case UserMessage e -> this;
            case AgentMessage e -> this;
            case ToolCalled e -> this;
            case ToolResult e -> this;
            case CommandRun e -> this;
            case CommandExited e -> this;
            case FileWritten e -> this;
            case RuntimeCrashed e -> this;
            case RuntimeRestarted e -> this;
            case RunStarted e -> this;
            case SessionIdle e -> this;
            case SessionHibernated e -> this;
            case SessionWoke e -> this;
            case RunCancelled e -> this;
            case RunStuck e -> this;
            case SessionFailed e -> this;
            case SessionClosed e -> this;
            case WebhookSent e -> this;
            case PullRequestOpened e -> this;
            case McpConnected e -> this;
            case McpServerFailed e -> this;
            case PermissionRequested e -> this;
            case PermissionAnswered e -> this;
            case PermissionExpired e -> this;
            case ClientToolCalled e -> this;
            case BudgetChanged e -> this;
            case BudgetWarning e -> this;
            case BudgetExhausted e -> this;
            case RuntimeReady e -> this;
            case RuntimePrompted e -> this;
            case RuntimeTranscript e -> this;
            case AgentPlan e -> this;
            case NetworkRequest e -> this;
            case SandboxDiskExceeded e -> this;
            case UnknownEvent e -> this;
        };
    }

    /** The configuration after every event of {@code events}, in order. */
    public LiveConfig after(Iterable<LoggedEvent> events) {
        LiveConfig config = this;
        for (LoggedEvent e : events) {
            config = config.after(e.event());
        }
        return config;
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
