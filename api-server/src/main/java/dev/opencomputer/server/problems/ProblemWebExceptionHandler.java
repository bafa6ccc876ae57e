package dev.opencomputer.server.problems;

import dev.opencomputer.server.http.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every failure that reaches the HTTP layer as {@code application/problem+json}. Runs
 * before Spring Boot's own error handler, so clients never see its default body or a trace.
 */
@Component
@Order(-2)
class ProblemWebExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemWebExceptionHandler.class);
    private static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

    private static final long DRAIN_LIMIT = 1024 * 1024;

    private final JsonMapper json;

    ProblemWebExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    /**
     * Reads and discards a small request body that the failure left unread (e.g. a 415 or 401
     * before decoding), so the kept-alive connection is clean for the client's next request. A
     * body that was already read, or is over the JSON limit (413), is left alone.
     */
    private static Mono<Void> drainSmallBody(ServerWebExchange exchange) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length <= 0 || length > DRAIN_LIMIT) {
            return Mono.empty();
        }
        return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then()
                .onErrorResume(alreadyRead -> Mono.empty());
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        Problem problem = Problems.from(error);
        String requestId = RequestIds.of(exchange);
        String path = exchange.getRequest().getPath().value();
        if (problem.type() == ProblemType.SERVICE_UNAVAILABLE) {
            // An outage of a dependency is expected operations noise: one line, no trace.
            log.warn("request {} {} answered {} [requestId={}]: {}", exchange.getRequest().getMethod(), path,
                    problem.type().slug(), requestId, problem.detail());
        } else if (problem.type().status().is5xxServerError()) {
            log.error("request {} {} {} failed [requestId={}]", exchange.getRequest().getMethod(), path,
                    problem.type().slug(), requestId, error);
        } else {
            log.debug("request {} {} answered {} [requestId={}]: {}", exchange.getRequest().getMethod(), path,
                    problem.type().slug(), requestId, error.toString());
        }
        var response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        response.setStatusCode(problem.type().status());
        var headers = response.getHeaders();
        headers.addAll(problem.headers());
        headers.setContentType(PROBLEM_JSON);
        byte[] bytes = json.writeValueAsBytes(problem.body(path));
        DataBuffer buffer = response.bufferFactory().wrap(bytes);
        return drainSmallBody(exchange).then(response.writeWith(Mono.just(buffer)));
    }
}
