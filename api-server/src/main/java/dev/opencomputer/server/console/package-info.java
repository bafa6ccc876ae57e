/** {@code /console/}: the browser console's static files, served from the jar with strict security headers. */
package dev.opencomputer.server.console;
