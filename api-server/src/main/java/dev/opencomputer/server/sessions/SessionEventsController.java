package dev.opencomputer.server.sessions;

import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.eventlog.EventLogProperties;
import dev.opencomputer.eventlog.EventPage;
import dev.opencomputer.eventlog.json.EventJson;
import dev.opencomputer.server.auth.Caller;
import dev.opencomputer.server.problems.ParameterInvalidException;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET …/events}: a session's log page by page (the live stream is {@link SessionStream}).
 * Works for closed sessions and sessions whose sandbox is gone.
 */
@RestController
@RequestMapping("/v1/sessions/{id}")
class SessionEventsController {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final Sessions sessions;
    private final EventLog eventLog;
    private final EventJson eventJson = new EventJson();
    private final long maxPageBytes;

    SessionEventsController(Sessions sessions, EventLog eventLog, EventLogProperties eventLogProperties) {
        this.sessions = sessions;
        this.eventLog = eventLog;
        this.maxPageBytes = eventLogProperties.maxReadBytes().toBytes();
    }

    /**
     * Up to {@code limit} events after {@code after}, in seq order, and past the first no more than
     * {@code opencomputer.event-log.max-read-bytes} of event data (a page of large events is shorter;
     * {@code hasMore} says so). {@code nextCursor} is the seq
     * to pass as {@code after} next time (also when the page is empty, so that clients can poll);
     * {@code hasMore} tells whether more events are stored right now.
     */
    @GetMapping(path = "/events", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<String> events(Caller caller, @PathVariable String id, @RequestParam(required = false) String after,
            @RequestParam(required = false) String limit) {
        SessionId session = SessionsController.sessionId(id);
        TenantId tenant = caller.requireSession(session);
        SeqCursor cursor = SeqCursor.parse("after", after);
        int size = pageSize(limit);
        sessions.find(tenant, session);
        EventPage read = eventLog.readPage(session, cursor.after(), size, maxPageBytes);
        boolean hasMore = read.more();
        List<LoggedEvent> page = read.events();
        long next = page.isEmpty() ? cursor.after() : page.getLast().seq();
        StringBuilder body = new StringBuilder(256 * page.size() + 64).append("{\"data\":[");
        for (int i = 0; i < page.size(); i++) {
            body.append(i == 0 ? "" : ",").append(eventJson.write(page.get(i)));
        }
        body.append("],\"nextCursor\":\"").append(next).append("\",\"hasMore\":").append(hasMore).append('}');
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body.toString());
    }

    private static int pageSize(String limit) {
        if (limit == null) {
            return DEFAULT_PAGE;
        }
        try {
            int size = Integer.parseInt(limit.strip());
            if (size >= 1 && size <= MAX_PAGE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ParameterInvalidException("limit", "limit must be an integer from 1 to " + MAX_PAGE);
    }
}
