package dev.opencomputer.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The OpenComputer control plane: one jar that runs the api, brain and dispatcher roles. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class OpenComputerApplication {

    public static void main(String[] args) {
        SpringApplication.run(OpenComputerApplication.class, args);
    }
}
