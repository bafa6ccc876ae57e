/** Agents and their immutable versions ({@code oc.agents()}). */
package dev.opencomputer.sdk.agents;
