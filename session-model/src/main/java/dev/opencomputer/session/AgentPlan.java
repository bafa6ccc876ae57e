package dev.opencomputer.session;

import java.util.List;

/**
 * The agent's current plan, as an ACP agent reported it ({@code plan} update): the whole list each
 * time, replacing the previous one. Wire name {@value #TYPE}.
 */
public record AgentPlan(List<Entry> entries) implements SessionEvent {

    public static final String TYPE = "agent.plan";

    /** One step: what, how important ({@code high}, {@code medium}, {@code low}), and where it stands. */
    public record Entry(String content, String priority, String status) {
    }

    public AgentPlan {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
