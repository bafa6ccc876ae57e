/** GitHub triggers ({@code /v1/github/triggers}): a labelled issue starts a session that opens a pull request. */
package dev.opencomputer.sdk.github;
