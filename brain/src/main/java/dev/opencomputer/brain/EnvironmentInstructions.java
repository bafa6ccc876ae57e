package dev.opencomputer.brain;

/**
 * The short, versioned block that tells every agent (native or ACP) where it is: the sandbox, its
 * working directory, what persists, what network it may reach, how commands and files behave. It goes
 * between the agent's prompt and the session's additional instructions; an agent with
 * {@code skipOsInstructions: true} leaves it out. Documented in {@code docs/brain.md}.
 */
public final class EnvironmentInstructions {

    /** Raised whenever the text changes, so a conversation's prompt can be told apart by version. */
    public static final int VERSION = 2;

    private EnvironmentInstructions() {
    }

    public static String block(SessionSetup setup) {
        String cwd = setup.absoluteCwd();
        return "<environment version=\"" + VERSION + "\">\n"
                + "You work inside an isolated Linux sandbox (a container) run by OpenComputer, on your own: "
                + "nobody watches the terminal, so never wait for interactive input.\n"
                + "- Working directory: " + cwd + ". Relative paths are relative to it.\n"
                + "- /workspace is a persistent volume: files there survive restarts and hibernation; "
                + "anything outside it, and running processes, may be lost.\n"
                + network(setup.network())
                + "Use the tools already on the image (on PATH: a POSIX shell, coreutils, and whatever else is "
                + "installed, such as bash, git or python3).\n"
                + "- Commands run non-interactively with a time limit; output is captured and long output is "
                + "truncated to its end. Files you write are recorded as changes of the session.\n"
                + "</environment>";
    }

    /** The network line: none, the allow-list, or open — always through the proxy the variables name. */
    private static String network(dev.opencomputer.brain.egress.NetworkPolicy policy) {
        String proxy = "through the HTTP(S) proxy already set in HTTP_PROXY / HTTPS_PROXY (curl, git, npm and pip "
                + "use it; there is no DNS of your own); anything else is refused with a 403 that says why. ";
        return switch (policy.mode()) {
            case NONE -> "- There is no network: the internet, package registries and other hosts cannot be reached. ";
            case ALLOWLIST -> "- Network: only " + String.join(", ", policy.allow()) + " can be reached, " + proxy;
            case OPEN -> "- Network: public hosts can be reached (private and cloud metadata addresses cannot), "
                    + proxy;
        };
    }
}
