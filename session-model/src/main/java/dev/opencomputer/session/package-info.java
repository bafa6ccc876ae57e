/** The shared vocabulary of OpenComputer: ids, sessions and the events in a session's log. */
package dev.opencomputer.session;
