/** HTTP plumbing shared by every resource: request ids, body limits, pagination, idempotent POSTs. */
package dev.opencomputer.server.http;
