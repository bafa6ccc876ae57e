package dev.opencomputer.server.runtimes;

import dev.opencomputer.brain.RuntimeCatalogue;
import dev.opencomputer.brain.RuntimeDefinition;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The runtime catalogue: the built-in runtimes and the operator's {@code opencomputer.runtimes.<name>}. */
@Configuration(proxyBeanMethods = false)
class RuntimesConfiguration {

    static final String PREFIX = "opencomputer.runtimes";

    @Bean
    RuntimeCatalogue runtimeCatalogue(Environment environment) {
        Map<String, RuntimeDefinition.Settings> operator = Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, RuntimeDefinition.Settings.class)).orElseGet(Map::of);
        return RuntimeCatalogue.of(operator);
    }
}
