/** A tenant's secrets — write-only values such as model keys — and master key rotation ({@code oc.secrets()}). */
package dev.opencomputer.sdk.secrets;
