package dev.opencomputer.sandbox.docker;

import dev.opencomputer.sandbox.ExecRequest;
import dev.opencomputer.sandbox.WorkspacePath;

/** The POSIX shell snippets the driver runs inside sandboxes; they need only {@code /bin/sh} and the usual tools. */
final class SandboxScripts {

    private SandboxScripts() {
    }

    /**
     * The sandbox's main process: idles, and exits 0 on SIGTERM so a requested stop (exit 0) can be told
     * apart from a kill (exit 137). Runs under the engine's init, which reaps orphans.
     */
    static final String KEEP_ALIVE = "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait $!; done";

    /**
     * Kills an execution's whole process tree. Argument: the execution id. Every process carrying the
     * execution's marker variable, every descendant of one (even if it cleared its environment or
     * started a new session), and every process in the session of one (which catches a double fork
     * that cleared its environment: it is re-parented to init but stays in the exec's session) is
     * first stopped so it cannot fork any more, then killed. The sessions of init (the sandbox's own
     * processes), of this script and the unknown session 0 are never swept. (The marker is matched as
     * a regular expression, not with {@code -F}: busybox's fixed-string search stops at the NUL bytes
     * of {@code /proc/<pid>/environ}; the marker holds only letters, digits, '_' and '='.)
     */
    static final String KILL_TREE = """
            m="%s=$1"; me=$$; found=" "; sids=" "
            sid_of() { s=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; s=${s##*) }; set -- $s; echo "$4"; }
            init_sid=$(sid_of 1); my_sid=$(sid_of "$me")
            i=0
            while [ $i -lt 5 ]; do
              i=$((i+1)); new=0
              for d in /proc/[0-9]*; do
                p=${d#/proc/}
                [ "$p" = "$me" ] && continue
                case "$found" in *" $p "*) continue;; esac
                s=$(cat "$d/stat" 2>/dev/null) || continue
                s=${s##*) }
                set -- $s
                ppid=$2; sid=$4
                [ "$sid" = "$my_sid" ] && continue
                hit=0
                if grep -qa -e "$m" "$d/environ" 2>/dev/null; then hit=1
                else
                  case "$found" in *" $ppid "*) hit=1;; esac
                  case "$sids" in *" $sid "*) hit=1;; esac
                fi
                if [ $hit = 1 ]; then
                  kill -STOP "$p" 2>/dev/null; found="$found$p "; new=1
                  if [ "$sid" != 0 ] && [ "$sid" != "$init_sid" ]; then
                    case "$sids" in *" $sid "*) ;; *) sids="$sids$sid ";; esac
                  fi
                fi
              done
              [ $new = 0 ] && break
            done
            for p in $found; do kill -KILL "$p" 2>/dev/null; done
            for p in $found; do kill -CONT "$p" 2>/dev/null; done
            echo "killed$found"
            """.formatted(ExecRequest.MARKER_VARIABLE);

    /**
     * Resolves a workspace path without leaving the workspace. Arguments: {@code read|write} and the
     * relative path. Walks the parent directories one by one with {@code cd -P} (creating missing ones
     * for a write) and checks after each step that the physical directory is still inside the workspace,
     * then resolves a symbolic link in the last name the same way. Prints {@code OK <uid> <gid> <path>}
     * with the physical path, or {@code ERR <reason>}.
     */
    static final String RESOLVE_PATH = """
            set -f
            mode=$1; rel=$2; root=%s
            inside() { case "$1" in "$root"|"$root"/*) return 0;; esac; return 1; }
            cd -P -- "$root" 2>/dev/null || { echo "ERR missing"; exit 0; }
            inside "$(pwd -P)" || { echo "ERR escape"; exit 0; }
            dir=${rel%%/*}; name=${rel##*/}
            [ "$dir" = "$rel" ] && dir=
            IFS=/
            for c in $dir; do
              if [ -d "$c" ]; then cd -P -- "$c" 2>/dev/null || { echo "ERR denied"; exit 0; }
              elif [ -e "$c" ] || [ -L "$c" ]; then echo "ERR notdir"; exit 0
              elif [ "$mode" = write ]; then mkdir -- "$c" 2>/dev/null && cd -P -- "$c" || { echo "ERR denied"; exit 0; }
              else echo "ERR missing"; exit 0; fi
              inside "$(pwd -P)" || { echo "ERR escape"; exit 0; }
            done
            unset IFS
            target="$(pwd -P)/$name"
            if [ -L "$target" ]; then
              t=$(readlink -f -- "$target" 2>/dev/null) || t=
              if [ -z "$t" ] || ! inside "$t"; then echo "ERR escape"; exit 0; fi
              target=$t
            fi
            [ -d "$target" ] && { echo "ERR isdir"; exit 0; }
            if [ "$mode" = read ] && [ ! -e "$target" ]; then echo "ERR missing"; exit 0; fi
            echo "OK $(id -u 2>/dev/null || echo 0) $(id -g 2>/dev/null || echo 0) $target"
            """.formatted(WorkspacePath.ROOT);
}
