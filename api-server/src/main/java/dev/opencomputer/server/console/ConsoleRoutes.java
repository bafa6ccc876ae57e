package dev.opencomputer.server.console;

import java.net.URI;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Serves the console from {@code classpath:/console/}: {@code /console/} and every watch link
 * ({@code /console/watch/{sessionId}}) answer the same page, whose script decides what to show;
 * the rest are its ES modules and style sheet. Nothing here authenticates: the page talks only
 * to the public API, with the credential the user gives it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
@ConditionalOnProperty(prefix = "opencomputer.console", name = "enabled", matchIfMissing = true)
class ConsoleRoutes {

    private static final Resource ROOT = new ClassPathResource("console/");
    private static final Resource PAGE = new ClassPathResource("console/index.html");
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

    @Bean
    RouterFunction<ServerResponse> consoleRouter(ConsoleProperties properties) {
        ConsoleHeaders headers = new ConsoleHeaders(properties.watchFrameAncestors());
        // on the exchange's response, before the handler writes: a built ServerResponse's headers are read-only
        HandlerFilterFunction<ServerResponse, ServerResponse> console = (request, next) -> {
            headers.console(request.exchange().getResponse().getHeaders());
            return next.handle(request);
        };
        HandlerFilterFunction<ServerResponse, ServerResponse> watch = (request, next) -> {
            headers.watch(request.exchange().getResponse().getHeaders());
            return next.handle(request);
        };
        RouterFunction<ServerResponse> pages = RouterFunctions.route()
                .GET("/console", request -> ServerResponse.permanentRedirect(URI.create("/console/")).build())
                .GET("/console/", request -> page())
                .build()
                .and(RouterFunctions.resources("/console/**", ROOT))
                .filter(console);
        RouterFunction<ServerResponse> watchPages = RouterFunctions.route()
                .GET("/console/watch/{sessionId}", request -> page())
                .build()
                .filter(watch);
        return watchPages.and(pages);
    }

    private static Mono<ServerResponse> page() {
        return ServerResponse.ok().contentType(HTML).bodyValue(PAGE);
    }
}
