/** A local GitHub (REST subset and git over smart HTTP) for tests and offline demos. */
package dev.opencomputer.github.localserver;
