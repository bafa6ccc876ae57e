package dev.opencomputer.server.problems;

/** One invalid field of a request: a JSON-pointer-like path and what is wrong with it. */
public record FieldViolation(String field, String message) {
}
