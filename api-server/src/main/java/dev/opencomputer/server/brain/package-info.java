/** The brain role inside the application: its settings, the model client, the session setup port and the worker's lifecycle. */
package dev.opencomputer.server.brain;
