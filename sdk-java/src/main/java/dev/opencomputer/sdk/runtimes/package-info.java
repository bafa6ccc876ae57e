/** The agent runtimes this server offers ({@code /v1/runtimes}): the native loop and ACP agents. */
package dev.opencomputer.sdk.runtimes;
