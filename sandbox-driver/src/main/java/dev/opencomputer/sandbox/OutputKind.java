package dev.opencomputer.sandbox;

/** The stream a chunk of command output came from. */
public enum OutputKind {
    STDOUT,
    STDERR
}
