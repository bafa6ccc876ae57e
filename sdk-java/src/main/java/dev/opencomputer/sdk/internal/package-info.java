/**
 * The client's HTTP machinery (transport, retries, JSON); public only so the resource packages can
 * reach it — not part of the supported API, and it may change in any release.
 */
package dev.opencomputer.sdk.internal;
