/** The Spring Boot application that serves the OpenComputer REST and SSE API. */
package dev.opencomputer.server;
