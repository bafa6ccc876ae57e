package dev.opencomputer.server.usage;

import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.ParameterInvalidException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/usage?from=&to=}: the caller's tenant's usage per session and in total. */
@RestController
@RequestMapping("/v1/usage")
class UsageController {

    static final Duration LONGEST = Duration.ofDays(366);

    private final Usage usage;
    private final Clock clock;

    UsageController(Usage usage, Clock clock) {
        this.usage = usage;
        this.clock = clock;
    }

    /** {@code to} defaults to now, {@code from} to 30 days before {@code to}; at most 366 days. */
    @GetMapping
    UsageReport get(Caller caller, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to) {
        var tenant = caller.requireTenant();
        Instant end = to == null ? clock.instant() : instant("to", to);
        Instant start = from == null ? end.minus(Duration.ofDays(30)) : instant("from", from);
        if (!start.isBefore(end)) {
            throw new ParameterInvalidException("from", "from must be before to");
        }
        if (Duration.between(start, end).compareTo(LONGEST) > 0) {
            throw new ParameterInvalidException("from", "the range from..to is at most 366 days");
        }
        return usage.report(tenant, start, end);
    }

    private static Instant instant(String parameter, String value) {
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw new ParameterInvalidException(parameter,
                    parameter + " must be an RFC 3339 timestamp such as 2026-01-31T12:00:00Z");
        }
    }
}
