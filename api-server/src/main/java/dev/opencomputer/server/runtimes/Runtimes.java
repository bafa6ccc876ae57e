package dev.opencomputer.server.runtimes;

import dev.opencomputer.brain.RuntimeCatalogue;
import dev.opencomputer.brain.RuntimeDefinition;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.sandbox.SandboxException;
import dev.opencomputer.server.agents.AgentSpec;
import dev.opencomputer.server.agents.RuntimeCheck;
import dev.opencomputer.server.problems.RequestInvalidException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The deployment's runtimes with whether each is installed: {@code native} always; an ACP runtime
 * when its image is on the engine. An agent naming an unknown or uninstalled runtime is refused.
 */
@Component
class Runtimes implements RuntimeCheck {

    private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

    private final RuntimeCatalogue catalogue;
    private final SandboxDriver driver;
    private final SandboxConfig sandboxes;

    Runtimes(RuntimeCatalogue catalogue, SandboxDriver driver, SandboxConfig sandboxes) {
        this.catalogue = catalogue;
        this.driver = driver;
        this.sandboxes = sandboxes;
    }

    /** One runtime as {@code GET /v1/runtimes} lists it. */
    record RuntimeView(String name, String kind, String provider, String image, boolean installed,
            boolean resumable) {
    }

    List<RuntimeView> list() {
        return catalogue.all().stream().map(r -> new RuntimeView(r.name(), r.acp() ? "acp" : "native",
                r.provider() == null ? null : r.provider().wireName(), r.image(), installed(r), r.loadSession()))
                .toList();
    }

    @Override
    public java.util.Collection<String> names() {
        return catalogue.names();
    }

    /** As {@link #checkInstalled}, and the agent's sandbox image must be one the operator allows. */
    @Override
    public AgentSpec requireInstalled(AgentSpec spec) {
        AgentSpec checked = checkInstalled(spec);
        String image = checked.sandbox() == null ? null : checked.sandbox().image();
        if (!sandboxes.allowsImage(image)) {
            java.util.LinkedHashSet<String> allowed = new java.util.LinkedHashSet<>();
            allowed.add(sandboxes.defaultImage());
            allowed.addAll(sandboxes.allowedImages());
            throw new RequestInvalidException("sandbox.image", image + " is not among the images this installation "
                    + "allows (" + String.join(", ", allowed) + ")");
        }
        return checked;
    }

    private AgentSpec checkInstalled(AgentSpec spec) {
        RuntimeDefinition runtime = catalogue.find(spec.runtime()).orElseThrow(() -> new RequestInvalidException(
                "runtime", "must be one of " + catalogue.names()));
        if (!runtime.acp()) {
            return spec;
        }
        if (!installed(runtime)) {
            throw new RequestInvalidException("runtime", spec.runtime() + " is not installed on this deployment's "
                    + "container engine (its image " + runtime.image() + " is missing)");
        }
        if (spec.sandbox().image() != null) {
            return spec;
        }
        return spec.withSandbox(new AgentSpec.Sandbox(runtime.image()));
    }

    private boolean installed(RuntimeDefinition runtime) {
        if (!runtime.acp()) {
            return true;
        }
        try {
            return driver.hasImage(runtime.image());
        } catch (SandboxException | UnsupportedOperationException e) {
            log.debug("cannot tell whether runtime {} is installed: {}", runtime.name(), e.toString());
            return false;
        }
    }
}
