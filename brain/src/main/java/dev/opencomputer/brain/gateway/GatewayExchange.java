package dev.opencomputer.brain.gateway;

import dev.opencomputer.brain.ApiKey;
import dev.opencomputer.brain.ModelEndpoint;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretValue;
import dev.opencomputer.session.SandboxId;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves one connection from a sandbox, request by request (keep-alive): the token must be live, of a
 * session on this very sandbox, for this provider's paths, and the request's model allowed; then the
 * request goes upstream with the real key in place of the token, and the response streams back as it
 * comes while its usage is counted. Whatever is refused is answered in the provider's error format,
 * never with a key, a token or a hint of either.
 */
final class GatewayExchange {

    private static final Logger log = LoggerFactory.getLogger(GatewayExchange.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Request headers never sent upstream: hop-by-hop, the agent's credentials, what the client recomputes. */
    private static final Set<String> DROPPED_REQUEST = Set.of("authorization", "x-api-key", "host", "connection",
            "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect", "proxy-authorization", "te",
            // a compressed body would hide its usage from the tap (node's fetch asks for gzip, br)
            "accept-encoding");
    private static final Set<String> DROPPED_RESPONSE = Set.of("connection", "content-length", "transfer-encoding",
            "keep-alive", ":status");

    private final GatewayTokens tokens;
    private final SecretStore secrets;
    private final Function<ModelProvider, ModelEndpoint> endpoints;
    private final GatewayUsage usage;
    private final GatewayBudgets budgets;
    private final GatewayUpstream upstream;
    private final String who;
    private final KeyCache keys = new KeyCache();

    GatewayExchange(GatewayTokens tokens, SecretStore secrets, Function<ModelProvider, ModelEndpoint> endpoints,
            GatewayUsage usage, GatewayBudgets budgets, GatewayUpstream upstream, String who) {
        this.tokens = tokens;
        this.secrets = secrets;
        this.endpoints = endpoints;
        this.usage = usage;
        this.budgets = budgets;
        this.upstream = upstream;
        this.who = who;
    }

    void serve(SandboxId sandbox, SocketChannel connection) {
        try (connection;
             InputStream in = new BufferedInputStream(Channels.newInputStream(connection), 16 * 1024);
             OutputStream out = new BufferedOutputStream(Channels.newOutputStream(connection), 16 * 1024)) {
            while (true) {
                GatewayRequest request;
                try {
                    request = GatewayRequest.read(in);
                } catch (GatewayRequest.Malformed e) {
                    respond(out, 400, ModelProvider.ANTHROPIC, "invalid_request_error", e.getMessage(), false);
                    return;
                }
                if (request == null) {
                    return;
                }
                boolean keepAlive = request.keepAlive();
                handle(sandbox, request, out, keepAlive);
                out.flush();
                if (!keepAlive) {
                    return;
                }
            }
        } catch (IOException e) {
            log.debug("gateway connection of {} ended: {}", sandbox, e.toString());
        }
    }

    private void handle(SandboxId sandbox, GatewayRequest request, OutputStream out, boolean keepAlive)
            throws IOException {
        if (request.method().equals("HEAD")) {
            // Claude Code checks that its base URL answers before its first call
            write(out, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n" + (keepAlive ? "" : "connection: close\r\n")
                    + "\r\n");
            return;
        }
        Optional<ModelProvider> route = route(request);
        ModelProvider format = route.orElse(ModelProvider.ANTHROPIC);
        if (route.isEmpty() || !request.method().equals("POST")) {
            respond(out, 404, format, "not_found_error", "the gateway serves only the model API's POST "
                    + "endpoints (/v1/messages, /v1/messages/count_tokens, /v1/chat/completions, /v1/responses)",
                    keepAlive);
            return;
        }
        Optional<GatewayGrant> found = tokens.find(request.token());
        if (found.isEmpty() || !found.get().sandbox().equals(sandbox)) {
            // unknown, revoked, or another sandbox's session: the same answer, so nothing is learnt
            respond(out, 401, format, "authentication_error", "invalid gateway token", keepAlive);
            return;
        }
        GatewayGrant grant = found.get();
        if (grant.provider() != format) {
            respond(out, 403, format, "permission_error", "this session's agent calls the "
                    + grant.provider().wireName() + " API, not " + format.wireName(), keepAlive);
            return;
        }
        String model = model(request.body());
        if (!grant.allows(model)) {
            respond(out, 403, format, "permission_error", "model " + model + " is not allowed for this agent "
                    + "(allowed: " + grant.models().stream().sorted().toList() + ")", keepAlive);
            return;
        }
        if (grant.credential() == null) {
            respond(out, 401, format, "authentication_error", "the agent names no credential", keepAlive);
            return;
        }
        boolean counted = !request.path().endsWith("/count_tokens");
        if (counted) {
            Optional<String> refusal = budgets.refusal(grant.session(), model, usage.peek(grant.session()).tokens());
            if (refusal.isPresent()) {
                // Anthropic's own answer for spend that ran out (not retried by its SDKs); OpenAI's is its quota error
                if (format == ModelProvider.ANTHROPIC) {
                    respond(out, 402, format, "billing_error", refusal.get(), keepAlive);
                } else {
                    respond(out, 429, format, "insufficient_quota", refusal.get(), keepAlive);
                }
                return;
            }
        }
        forward(grant, request, out, keepAlive, counted);
    }

    private void forward(GatewayGrant grant, GatewayRequest request, OutputStream out, boolean keepAlive,
            boolean counted) throws IOException {
        ModelEndpoint endpoint = endpoints.apply(grant.provider());
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : request.headers()) {
            if (!DROPPED_REQUEST.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                headers.add(header);
            }
        }
        UsageTap[] tap = new UsageTap[1];
        int[] status = new int[1];
        GatewayUpstream.Sink sink = new GatewayUpstream.Sink() {
            @Override
            public void head(int code, List<Map.Entry<String, String>> responseHeaders) throws IOException {
                status[0] = code;
                tap[0] = new UsageTap(grant.provider(), GatewayUpstream.header(responseHeaders, "content-type"));
                StringBuilder head = new StringBuilder("HTTP/1.1 ").append(code).append(' ').append(reason(code))
                        .append("\r\n");
                for (Map.Entry<String, String> header : responseHeaders) {
                    if (!DROPPED_RESPONSE.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                        head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
                    }
                }
                head.append("transfer-encoding: chunked\r\n");
                if (!keepAlive) {
                    head.append("connection: close\r\n");
                }
                write(out, head.append("\r\n").toString());
                out.flush();
            }

            @Override
            public void data(byte[] buffer, int length, boolean more) throws IOException {
                tap[0].accept(buffer, length);
                write(out, Integer.toHexString(length) + "\r\n");
                out.write(buffer, 0, length);
                write(out, "\r\n");
                if (!more) {
                    out.flush(); // stream each event as it arrives
                }
            }
        };
        try {
            try (ApiKey key = reveal(grant)) {
                headers.add(grant.provider() == ModelProvider.ANTHROPIC ? Map.entry("x-api-key", key.reveal())
                        : Map.entry("Authorization", "Bearer " + key.reveal()));
            }
            upstream.post(upstreamUri(endpoint, request.target()), headers, request.body(), sink);
            write(out, "0\r\n\r\n");
        } catch (KeyUnavailable e) {
            respond(out, 401, grant.provider(), "authentication_error", e.getMessage(), keepAlive);
        } catch (GatewayUpstream.Unreachable e) {
            log.debug("model provider of {} unreachable: {}", grant.session(), e.getMessage());
            respond(out, 502, grant.provider(), "api_error", "the model provider cannot be reached", keepAlive);
        } finally {
            if (counted && tap[0] != null && status[0] < 300) {
                usage.add(grant.session(), tap[0].usage());
            }
        }
    }

    static URI upstreamUri(ModelEndpoint endpoint, String target) {
        String base = endpoint.baseUrl().toString();
        // an OpenAI base URL includes /v1, an Anthropic one is the root
        if (endpoint.provider() == ModelProvider.OPENAI && base.endsWith("/v1") && target.startsWith("/v1/")) {
            target = target.substring(3);
        }
        return URI.create(base + target);
    }

    private static Optional<ModelProvider> route(GatewayRequest request) {
        String path = request.path();
        if (path.equals("/v1/messages") || path.equals("/v1/messages/count_tokens")) {
            return Optional.of(ModelProvider.ANTHROPIC);
        }
        if (path.equals("/v1/chat/completions") || path.equals("/v1/responses")) {
            return Optional.of(ModelProvider.OPENAI);
        }
        return Optional.empty();
    }

    private static String model(byte[] body) {
        try {
            JsonNode model = JSON.readTree(body).path("model");
            return model.isString() ? model.asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final class KeyUnavailable extends Exception {
        KeyUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    private ApiKey reveal(GatewayGrant grant) throws KeyUnavailable {
        ApiKey key = keys.get(grant.session().value(), grant.credential().value(), () -> revealNow(grant));
        if (key == null) {
            throw new KeyUnavailable("the agent's credential " + grant.credential() + " is blank");
        }
        return key;
    }

    /** One audited reveal from the secret store; null when the secret is blank. */
    private ApiKey revealNow(GatewayGrant grant) throws KeyUnavailable {
        SecretValue secret;
        try {
            secret = secrets.reveal(grant.tenant().value(), grant.credential(), who + " session " + grant.session());
        } catch (RuntimeException e) {
            throw new KeyUnavailable("the agent's credential " + grant.credential() + " cannot be read");
        }
        return ApiKey.fromSecret(secret);
    }

    private static void respond(OutputStream out, int status, ModelProvider format, String type, String message,
            boolean keepAlive) throws IOException {
        Object error = format == ModelProvider.ANTHROPIC
                ? Map.of("type", "error", "error", Map.of("type", type, "message", message))
                : Map.of("error", Map.of("type", type, "message", message, "code", type));
        byte[] body = JSON.writeValueAsBytes(error);
        write(out, "HTTP/1.1 " + status + " " + reason(status) + "\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length + "\r\n" + (keepAlive ? "" : "connection: close\r\n") + "\r\n");
        out.write(body);
        out.flush();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 529 -> "Overloaded";
            default -> status < 300 ? "OK" : status < 500 ? "Client Error" : "Server Error";
        };
    }

}
