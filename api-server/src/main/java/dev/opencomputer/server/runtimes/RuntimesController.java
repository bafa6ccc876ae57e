package dev.opencomputer.server.runtimes;

import dev.opencomputer.server.auth.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/runtimes}: what agents may put in {@code runtime} here, and whether each is installed. */
@RestController
class RuntimesController {

    private final Runtimes runtimes;

    RuntimesController(Runtimes runtimes) {
        this.runtimes = runtimes;
    }

    @GetMapping("/v1/runtimes")
    Map<String, List<Runtimes.RuntimeView>> list(Caller caller) {
        caller.requireTenant();
        return Map.of("data", runtimes.list());
    }
}
