package dev.opencomputer.brain;

/**
 * For an agent that cannot load its own session after a restart: a fresh session is primed with the
 * conversation so far (user and agent texts), once, before the next prompt.
 */
final class AcpPriming {

    private AcpPriming() {
    }

    static boolean hasHistory(Conversation conversation) {
        return conversation.turns().stream().anyMatch(turn -> turn instanceof Turn.Assistant);
    }

    static String prime(Conversation conversation) {
        if (!hasHistory(conversation)) {
            return "";
        }
        StringBuilder text = new StringBuilder("[OpenComputer] You were restarted and lost your memory of this "
                + "session. The conversation so far:\n");
        for (Turn turn : conversation.turns()) {
            switch (turn) {
                case Turn.User user -> text.append("\nUser: ").append(user.text());
                case Turn.Assistant assistant -> text.append("\nYou: ").append(assistant.text());
                case Turn.ToolResult result -> {
                }
            }
        }
        return text.append("\n\n[The new message follows.]\n\n").toString();
    }
}
