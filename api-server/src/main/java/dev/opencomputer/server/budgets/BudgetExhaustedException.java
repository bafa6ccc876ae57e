package dev.opencomputer.server.budgets;

import dev.opencomputer.session.BudgetExhausted;

/** The session reached one of its budgets and takes no message until the budget is changed. */
public class BudgetExhaustedException extends RuntimeException {

    private final String sessionId;
    private final BudgetExhausted exhausted;

    public BudgetExhaustedException(String sessionId, BudgetExhausted exhausted) {
        super("session " + sessionId + " reached its " + exhausted.kind() + " budget (" + exhausted.used().toPlainString()
                + " of " + exhausted.limit().toPlainString() + "); raise it with PATCH /v1/sessions/" + sessionId
                + "/budget, then send the message again");
        this.sessionId = sessionId;
        this.exhausted = exhausted;
    }

    public String sessionId() {
        return sessionId;
    }

    public BudgetExhausted exhausted() {
        return exhausted;
    }
}
