package dev.opencomputer.brain;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.ExecResult;
import dev.opencomputer.sandbox.Execution;
import dev.opencomputer.sandbox.OutputListener;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxFile;
import dev.opencomputer.sandbox.SandboxFileNotFoundException;
import dev.opencomputer.sandbox.SandboxFileTooLargeException;
import dev.opencomputer.sandbox.WorkspacePath;
import dev.opencomputer.sandbox.WorkspacePathRejectedException;
import dev.opencomputer.session.SandboxId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's tools, run in one session's sandbox through the {@link SandboxDriver}: commands, and
 * reading, writing, editing and listing files. Paths are relative to the session's working
 * directory unless absolute; file transfers stay under {@code /workspace} (the driver refuses
 * paths leading out of it). Sandbox failures ({@link dev.opencomputer.sandbox.SandboxNotRunningException},
 * {@link dev.opencomputer.sandbox.SandboxNotFoundException}, engine unavailable) are thrown for the
 * run to handle; everything the model got wrong comes back as an error outcome it can act on.
 */
final class SandboxTools {

    /** The environment variable marking every process of a tool call with its call id. */
    static final String TOOL_CALL_MARKER = "OC_TOOL_CALL";

    /** The longest a listing or a clean-up command may take. */
    private static final Duration HOUSEKEEPING_TIMEOUT = Duration.ofSeconds(60);
    /** Files larger than this are not edited in memory. */
    private static final long MAX_EDIT_SIZE = 8L * 1024 * 1024;

    /*
     * Kills every process whose environment carries the marker of a tool call (busybox and
     * coreutils alike), and every other process in the session of one (a double fork that cleared
     * its environment stays in its exec's session): what is left of a command whose worker died.
     * The sessions of init and of this script are never swept. Its own environment does not carry
     * the marker, which comes in as $1.
     */
    private static final String KILL_LEFTOVERS = """
            me=$$; pids=" "; sids=" "
            sid_of() { s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; s=${s##*) }; set -- $s; echo "$4"; }
            init_sid=$(sid_of 1); my_sid=$(sid_of "$me")
            for e in /proc/[0-9]*/environ; do
              p=${e#/proc/}; p=${p%/environ}
              [ "$p" = "$me" ] && continue
              if tr '\\000' '\\n' < "$e" 2>/dev/null | grep -qx -- "$1"; then
                pids="$pids$p "; s=$(sid_of "$p")
                [ "$s" != 0 ] && [ "$s" != "$init_sid" ] && [ "$s" != "$my_sid" ] && sids="$sids$s "
              fi
            done
            # the rest of those sessions: double forks that cleared their environment stay in them
            if [ "$sids" != " " ]; then
              for d in /proc/[0-9]*; do
                p=${d#/proc/}; [ "$p" = "$me" ] && continue
                case "$sids" in *" $(sid_of "$p") "*) pids="$pids$p ";; esac
              done
            fi
            for p in $pids; do kill -9 "$p" 2>/dev/null; done; exit 0""";

    /** What a file tool did: the text for the model, whether it failed, and the file it wrote (or null). */
    record Outcome(String output, boolean error, WorkspacePath written, long bytes) {

        static Outcome ok(String output) {
            return new Outcome(output, false, null, 0);
        }

        static Outcome failed(String output) {
            return new Outcome(output, true, null, 0);
        }

        static Outcome wrote(String output, WorkspacePath path, long bytes) {
            return new Outcome(output, false, path, bytes);
        }
    }

    private final SandboxDriver driver;
    private final SessionSetup setup;
    private final BrainProperties properties;

    SandboxTools(SandboxDriver driver, SessionSetup setup, BrainProperties properties) {
        this.driver = driver;
        this.setup = setup;
        this.properties = properties;
    }

    private SandboxId sandbox() {
        return setup.sandbox().id();
    }

    /** The command's timeout: what the model asked for, capped, else the default. */
    Duration commandTimeout(ToolInvocation.Bash bash) {
        Duration asked = bash.timeout().orElse(properties.defaultCommandTimeout());
        return asked.compareTo(properties.maxCommandTimeout()) > 0 ? properties.maxCommandTimeout() : asked;
    }

    /** Starts a {@code bash} call: {@code /bin/sh -c} in the session's working directory, marked with its call id. */
    Execution startCommand(String callId, ToolInvocation.Bash bash, OutputListener listener) {
        Map<String, String> env = new HashMap<>(setup.env());
        env.put(TOOL_CALL_MARKER, callId);
        ExecRequest request = new ExecRequest(List.of("/bin/sh", "-c", bash.command()), setup.cwd(), env,
                commandTimeout(bash));
        return driver.exec(sandbox(), request, listener);
    }

    /** Creates the session's working directory if it is missing. */
    void makeWorkingDirectory() {
        driver.run(sandbox(), new ExecRequest(List.of("mkdir", "-p", "--", setup.absoluteCwd()), null, Map.of(),
                HOUSEKEEPING_TIMEOUT));
    }

    /** Kills whatever is still running of the tool call {@code callId} (a command whose worker died). */
    void killLeftovers(String callId) {
        ExecRequest kill = new ExecRequest(List.of("/bin/sh", "-c", KILL_LEFTOVERS, "kill-leftovers",
                TOOL_CALL_MARKER + "=" + callId), null, Map.of(), HOUSEKEEPING_TIMEOUT);
        driver.run(sandbox(), kill);
    }

    Outcome readFile(ToolInvocation.ReadFile read) {
        WorkspacePath path;
        try {
            path = resolve(read.path());
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("read_file", read.path(), e));
        }
        int limit = (int) properties.toolOutputLimit().toBytes();
        try (SandboxFile file = driver.openFile(sandbox(), path)) {
            byte[] head = file.content().readNBytes(limit);
            for (byte b : head) {
                if (b == 0) {
                    return Outcome.ok("(" + path + " is a binary file of " + file.size()
                            + " bytes; use bash, e.g. od or xxd, to look into it)");
                }
            }
            String text = decode(head);
            if (file.size() > head.length) {
                text += "\n[cut: this is the first " + head.length + " of " + file.size()
                        + " bytes; use bash, e.g. sed -n or tail, for the rest]";
            }
            return Outcome.ok(text);
        } catch (SandboxFileNotFoundException e) {
            return Outcome.failed("there is no file " + path + " (or it is a directory: use list_files)");
        } catch (SandboxFileTooLargeException e) {
            return Outcome.failed(path + " is too large to read at once (" + e.size() + " bytes); use bash");
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("read_file", read.path(), e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from " + sandbox(), e);
        }
    }

    Outcome writeFile(ToolInvocation.WriteFile write) {
        WorkspacePath path;
        try {
            path = resolve(write.path());
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("write_file", write.path(), e));
        }
        byte[] content = write.content().getBytes(StandardCharsets.UTF_8);
        try {
            driver.writeFile(sandbox(), path, content);
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("write_file", write.path(), e));
        } catch (SandboxFileTooLargeException e) {
            return Outcome.failed("the content is too large to write at once (" + e.size() + " bytes)");
        }
        return Outcome.wrote("wrote " + content.length + " bytes to " + path, path, content.length);
    }

    Outcome editFile(ToolInvocation.EditFile edit) {
        WorkspacePath path;
        try {
            path = resolve(edit.path());
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("edit_file", edit.path(), e));
        }
        String text;
        try (SandboxFile file = driver.openFile(sandbox(), path)) {
            if (file.size() > MAX_EDIT_SIZE) {
                return Outcome.failed(path + " is too large to edit (" + file.size() + " bytes); use bash, e.g. sed");
            }
            byte[] bytes = file.content().readAllBytes();
            text = decodeStrict(bytes);
            if (text == null) {
                return Outcome.failed(path + " is not UTF-8 text; use bash to change it");
            }
        } catch (SandboxFileNotFoundException e) {
            return Outcome.failed("there is no file " + path + "; use write_file to create it");
        } catch (SandboxFileTooLargeException e) {
            return Outcome.failed(path + " is too large to edit (" + e.size() + " bytes); use bash, e.g. sed");
        } catch (WorkspacePathRejectedException e) {
            return Outcome.failed(outsideWorkspace("edit_file", edit.path(), e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " from " + sandbox(), e);
        }
        int first = text.indexOf(edit.oldText());
        if (first < 0) {
            return Outcome.failed("old_text does not occur in " + path + "; read the file and copy the text exactly");
        }
        int count = 0;
        for (int at = first; at >= 0; at = text.indexOf(edit.oldText(), at + edit.oldText().length())) {
            count++;
        }
        if (count > 1) {
            return Outcome.failed("old_text occurs " + count + " times in " + path
                    + "; include more of the surrounding text so that it occurs once");
        }
        String changed = text.substring(0, first) + edit.newText() + text.substring(first + edit.oldText().length());
        byte[] content = changed.getBytes(StandardCharsets.UTF_8);
        driver.writeFile(sandbox(), path, content);
        return Outcome.wrote("edited " + path + " (" + content.length + " bytes now)", path, content.length);
    }

    Outcome listFiles(ToolInvocation.ListFiles list) {
        ExecRequest request = new ExecRequest(List.of("/bin/sh", "-c", "exec ls -la -- \"$1\" 2>&1", "list_files",
                list.path()), setup.cwd(), Map.of(), HOUSEKEEPING_TIMEOUT);
        ExecResult result = driver.run(sandbox(), request);
        String output = tail(result.stdout().text(), result.stdout().truncated());
        if (result.exitCode() != 0) {
            return Outcome.failed(output.isBlank() ? "cannot list " + list.path() + " (exit " + result.exitCode() + ")"
                    : output);
        }
        return Outcome.ok(output);
    }

    /** A path the model gave, relative to the session's working directory unless absolute. */
    WorkspacePath resolve(String path) {
        String absolute = path.startsWith("/") ? path : setup.absoluteCwd() + "/" + path;
        return WorkspacePath.parse(absolute);
    }

    private String tail(String text, boolean truncated) {
        int limit = (int) properties.toolOutputLimit().toBytes();
        if (text.length() > limit) {
            return "[cut: earlier output dropped]\n" + text.substring(text.length() - limit);
        }
        return truncated ? "[cut: earlier output dropped]\n" + text : text;
    }

    private static String outsideWorkspace(String tool, String path, WorkspacePathRejectedException e) {
        return tool + " can only reach files under " + WorkspacePath.ROOT + " (" + path + ": " + e.getMessage()
                + "); use bash for other places";
    }

    /** UTF-8 with invalid sequences (e.g. a character cut in two at the limit) shown as U+FFFD. */
    static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String decodeStrict(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
