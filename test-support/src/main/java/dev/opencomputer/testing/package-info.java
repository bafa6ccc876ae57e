/** Fixtures that connect integration tests to the real PostgreSQL cluster and container engine. */
package dev.opencomputer.testing;
