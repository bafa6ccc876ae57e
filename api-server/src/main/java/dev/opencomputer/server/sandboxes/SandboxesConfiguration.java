package dev.opencomputer.server.sandboxes;

import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.docker.DockerSandboxDriver;
import java.time.Clock;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The sandbox driver every role shares (API sandboxes here, session sandboxes in the brain), and its
 * configuration bound from {@code opencomputer.sandbox.*}. Creating the driver contacts nobody: a
 * missing engine shows up as 503 problems, not as a failed start.
 */
@Configuration(proxyBeanMethods = false)
class SandboxesConfiguration {

    @Bean
    SandboxConfig sandboxConfig(Environment environment) {
        if (environment.getProperty("opencomputer.sandbox.allow-egress", Boolean.class, false)) {
            // the setting that joined sandboxes to the engine's bridge network is gone: say so instead of ignoring it
            throw new IllegalStateException("opencomputer.sandbox.allow-egress is no longer supported: sandboxes have "
                    + "no network interface; allow what sessions may reach with agents' network policies and "
                    + "opencomputer.egress.* (docs/network.md)");
        }
        return Binder.get(environment).bind("opencomputer.sandbox", SandboxConfig.class)
                .orElseGet(SandboxConfig::defaults);
    }

    @Bean(destroyMethod = "close")
    SandboxDriver sandboxDriver(SandboxConfig config, Clock clock) {
        return new DockerSandboxDriver(config, clock);
    }
}
