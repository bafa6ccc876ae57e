package dev.opencomputer.sandbox.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Container;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.sandbox.SandboxNotFoundException;
import dev.opencomputer.sandbox.SandboxState;
import dev.opencomputer.sandbox.SandboxStatus;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads sandboxes back from the engine: a container (or, once it is gone, its workspace volume) and its
 * labels become a {@link SandboxState}; the engine's status words become {@link SandboxStatus}.
 */
final class SandboxStates {

    private static final Pattern EXIT_STATUS = Pattern.compile("\\((-?\\d+)\\)");

    private final SandboxConfig config;
    private final DockerEngine engine;

    SandboxStates(SandboxConfig config, DockerEngine engine) {
        this.config = config;
        this.engine = engine;
    }

    SandboxState inspect(SandboxId id) {
        InspectContainerResponse container;
        try {
            container = engine.call(id, () -> engine.control()
                    .inspectContainerCmd(SandboxLabels.containerName(id)).exec());
        } catch (SandboxNotFoundException e) {
            return absent(id).orElseThrow(() -> e);
        }
        Map<String, String> labels = container.getConfig() != null && container.getConfig().getLabels() != null
                ? container.getConfig().getLabels() : Map.of();
        if (!id.value().equals(labels.get(SandboxLabels.SANDBOX))) {
            throw new SandboxNotFoundException(id);
        }
        InspectContainerResponse.ContainerState s = container.getState();
        Integer exitCode = s == null ? null : s.getExitCode();
        String engineStatus = s == null ? null : s.getStatus();
        boolean everFinished = s != null && instant(s.getFinishedAt()) != null;
        SandboxStatus status = status(engineStatus, everFinished ? exitCode : null);
        return new SandboxState(id, TenantId.parse(labels.get(SandboxLabels.TENANT)),
                labels.getOrDefault(SandboxLabels.IMAGE, container.getConfig().getImage()), status,
                everFinished ? exitCode : null, s != null && Boolean.TRUE.equals(s.getOOMKilled()),
                SandboxLabels.limits(labels, container.getHostConfig()), SandboxLabels.network(labels),
                instant(container.getCreated()), s == null ? null : instant(s.getStartedAt()),
                s == null ? null : instant(s.getFinishedAt()), SandboxLabels.userLabels(labels));
    }

    /** Whether the sandbox's container is running right now. */
    boolean isRunning(SandboxId id) {
        try {
            InspectContainerResponse c = engine.call(id, () -> engine.control()
                    .inspectContainerCmd(SandboxLabels.containerName(id)).exec());
            return c.getState() != null && Boolean.TRUE.equals(c.getState().getRunning());
        } catch (SandboxNotFoundException e) {
            return false;
        }
    }

    List<SandboxState> list() {
        List<Container> containers = engine.call(null, () -> engine.control().listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(SandboxLabels.INSTANCE, config.instance()))
                .exec());
        List<InspectVolumeResponse> volumes = engine.call(null, () -> engine.control().listVolumesCmd()
                .withFilter("label", List.of(SandboxLabels.INSTANCE + "=" + config.instance()))
                .exec().getVolumes());
        List<SandboxState> states = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Container c : containers) {
            Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
            String sandbox = labels.get(SandboxLabels.SANDBOX);
            String tenant = labels.get(SandboxLabels.TENANT);
            if (sandbox == null || tenant == null || !SandboxId.isValid(sandbox) || !TenantId.isValid(tenant)) {
                continue;
            }
            Integer exitCode = null;
            if (c.getStatus() != null) {
                Matcher m = EXIT_STATUS.matcher(c.getStatus());
                if (m.find()) {
                    exitCode = Integer.valueOf(m.group(1));
                }
            }
            seen.add(sandbox);
            states.add(new SandboxState(SandboxId.parse(sandbox), TenantId.parse(tenant),
                    labels.getOrDefault(SandboxLabels.IMAGE, c.getImage()), status(c.getState(), exitCode), exitCode,
                    false, SandboxLabels.limits(labels, null), SandboxLabels.network(labels),
                    c.getCreated() == null ? null : Instant.ofEpochSecond(c.getCreated()), null, null,
                    SandboxLabels.userLabels(labels)));
        }
        for (InspectVolumeResponse v : volumes == null ? List.<InspectVolumeResponse>of() : volumes) {
            Map<String, String> labels = v.getLabels();
            if (labels != null && labels.get(SandboxLabels.SANDBOX) != null
                    && !seen.contains(labels.get(SandboxLabels.SANDBOX))
                    && SandboxId.isValid(labels.get(SandboxLabels.SANDBOX))
                    && TenantId.isValid(labels.get(SandboxLabels.TENANT))) {
                states.add(absent(labels));
            }
        }
        return states;
    }

    /** The state of a sandbox whose container is gone but whose workspace volume remains. */
    private Optional<SandboxState> absent(SandboxId id) {
        InspectVolumeResponse volume;
        try {
            volume = engine.call(id, () -> engine.control()
                    .inspectVolumeCmd(SandboxLabels.workspaceName(id)).exec());
        } catch (SandboxNotFoundException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(absent(volume.getLabels()));
    }

    private static SandboxState absent(Map<String, String> labels) {
        if (labels == null || labels.get(SandboxLabels.SANDBOX) == null || labels.get(SandboxLabels.TENANT) == null) {
            return null;
        }
        return new SandboxState(SandboxId.parse(labels.get(SandboxLabels.SANDBOX)),
                TenantId.parse(labels.get(SandboxLabels.TENANT)), labels.get(SandboxLabels.IMAGE),
                SandboxStatus.ABSENT, null, false, SandboxLabels.limits(labels, null), SandboxLabels.network(labels),
                null, null, null, SandboxLabels.userLabels(labels));
    }

    static SandboxStatus status(String engineStatus, Integer exitCode) {
        if (engineStatus == null) {
            return SandboxStatus.DIED;
        }
        return switch (engineStatus) {
            case "created", "configured" -> SandboxStatus.CREATED;
            case "running", "paused", "restarting" -> SandboxStatus.RUNNING;
            case "exited", "stopped" -> exitCode != null && exitCode == 0 ? SandboxStatus.STOPPED : SandboxStatus.DIED;
            default -> SandboxStatus.DIED;
        };
    }

    static Instant instant(String value) {
        if (value == null || value.isBlank() || value.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
