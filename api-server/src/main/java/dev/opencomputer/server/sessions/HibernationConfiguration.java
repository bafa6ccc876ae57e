package dev.opencomputer.server.sessions;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Binds {@link HibernationProperties} from {@code opencomputer.brain.*} on every role. */
@Configuration(proxyBeanMethods = false)
class HibernationConfiguration {

    @Bean
    HibernationProperties hibernationProperties(Environment environment) {
        return Binder.get(environment).bind("opencomputer.brain", HibernationProperties.class)
                .orElseGet(() -> new HibernationProperties(null, null));
    }
}
