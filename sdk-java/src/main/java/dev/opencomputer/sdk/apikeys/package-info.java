/** A tenant's API keys: list, issue and revoke ({@code oc.apiKeys()}). */
package dev.opencomputer.sdk.apikeys;
