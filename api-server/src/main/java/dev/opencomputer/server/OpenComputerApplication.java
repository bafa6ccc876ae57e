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

    /** The one source of time; tests replace it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    public static void main(String[] args) {
        SpringApplication.run(OpenComputerApplication.class, args);
    }
}
