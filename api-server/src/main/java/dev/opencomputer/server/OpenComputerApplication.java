package dev.opencomputer.server;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** The OpenComputer control plane: one jar that runs the api, brain and dispatcher roles. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OpenComputerApplication {

    /**
     * The one source of time; tests replace it. It ticks in microseconds, PostgreSQL's precision,
     * so a timestamp returned on create equals the one read back later.
     */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), java.time.Duration.ofNanos(1_000));
    }

    public static void main(String[] args) {
        SpringApplication.run(OpenComputerApplication.class, args);
    }
}
