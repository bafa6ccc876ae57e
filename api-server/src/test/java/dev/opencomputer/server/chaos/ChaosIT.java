package dev.opencomputer.server.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The short chaos loop inside {@code bin/test}: {@link ChaosLoop} with 10 faults of every kind (or
 * {@code OC_CHAOS_FAULTS}, {@code OC_CHAOS_SEED}, {@code OC_CHAOS_KINDS}) on two server processes of
 * the built jar, a PostgreSQL cluster and a Podman API service of its own. bench/chaos/run.sh runs
 * the long one. Until 2026-12-04 it left out {@code kill_server} and {@code sandbox_oom} while their
 * findings were open (docs/chaos.md, findings 2 and 4); both are fixed, and every kind is back.
 */
class ChaosIT {

    @Test
    void faultsLoseDuplicateReRunAndStrandNothing() throws Exception {
        ChaosLoop.Options given = ChaosLoop.parse(new String[0]);
        int faults = System.getenv("OC_CHAOS_FAULTS") == null ? 10 : given.faults();
        ChaosLoop.Options options = new ChaosLoop.Options(faults, given.seed(), given.sessions(), given.lease(),
                given.pgPort(), given.portA(), given.portB(),
                given.kinds(),
                given.workDir(), given.repoRoot(), given.jar());
        ChaosLoop.Summary summary = ChaosLoop.run(options);
        assertThat(summary.faults()).isGreaterThanOrEqualTo(10);
        assertThat(summary.sessions()).as("sessions checked").isGreaterThan(0);
        assertThat(summary.problems()).as(summary.line() + " (seed " + options.seed() + ")").isEmpty();
        assertThat(summary.ok()).as(summary.line()).isTrue();
    }
}
