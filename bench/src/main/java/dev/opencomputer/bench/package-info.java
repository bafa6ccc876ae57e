/** Benchmarks of OpenComputer, each printing its figures next to a baseline measured in the same run. */
package dev.opencomputer.bench;
