package dev.opencomputer.server.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opencomputer.server.ApiITBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks every class of malformed request over a raw socket (so no client library tidies it up) on
 * every route family, and requires an {@code application/problem+json} answer with a stable type —
 * never a 500, never an empty body — and that nothing was created.
 */
class MalformedRequestsIT extends ApiITBase {

    private static final String BASE = "https://opencomputer.dev/problems/";
    private static final String SESSION = "ses_000000000000000000000000";

    /** Routes that take a JSON body; the operator's {@code /v1/tenants} is walked with its key. */
    private static final List<String> JSON_ROUTES = List.of("POST /v1/agents", "POST /v1/sessions",
            "POST /v1/sandboxes", "PUT /v1/secrets/walk", "POST /v1/webhook-endpoints", "POST /v1/api-keys",
            "POST /v1/sessions/" + SESSION + "/messages", "PATCH /v1/sessions/" + SESSION + "/config",
            "POST /v1/tenants");
    private static final List<String> LIST_ROUTES = List.of("/v1/agents", "/v1/sessions", "/v1/sandboxes",
            "/v1/secrets", "/v1/webhook-endpoints", "/v1/api-keys", "/v1/sessions/" + SESSION + "/events");

    record Answer(int status, String contentType, String body) {
    }

    @TestFactory
    Stream<DynamicTest> everyMalformedRequestIsAProblemWithAStableType() {
        TestTenant tenant = newTenant("malformed-walk");
        List<DynamicTest> tests = new ArrayList<>();
        for (String route : JSON_ROUTES) {
            String key = route.endsWith("/v1/tenants") ? OPERATOR_KEY : tenant.key();
            String json = "{\"name\":\"walk\"}";
            tests.add(check("form body on " + route, post(route, key, "application/x-www-form-urlencoded", "name=walk"),
                    415, "unsupported-media-type"));
            tests.add(check("multipart body on " + route, post(route, key, "multipart/form-data; boundary=b",
                    "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nwalk\r\n--b--\r\n"), 415,
                    "unsupported-media-type"));
            tests.add(check("text body on " + route, post(route, key, "text/plain", json), 415, "unsupported-media-type"));
            tests.add(check("no content type on " + route, post(route, key, null, json), 415, "unsupported-media-type"));
            tests.add(check("unknown charset on " + route, post(route, key, "application/json; charset=klingon", json),
                    415, "unsupported-media-type"));
            tests.add(check("garbage content type on " + route, post(route, key, ";;;===", json), 415,
                    "unsupported-media-type"));
            tests.add(check("non-UTF-8 JSON on " + route, raw(route, key, "application/json",
                    new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}, List.of()),
                    400, "malformed-request-body"));
        }
        for (String route : LIST_ROUTES) {
            tests.add(check("body on GET " + route, raw("GET " + route, tenant.key(), "application/json",
                    "{\"a\":1}".getBytes(StandardCharsets.UTF_8), List.of()), 400, "malformed-request-body"));
            tests.add(check("duplicated query parameter on " + route, raw("GET " + route + "?limit=1&limit=2",
                    tenant.key(), null, null, List.of()), 400, "invalid-parameter"));
            tests.add(check("Accept we cannot produce on " + route, raw("GET " + route, tenant.key(), null, null,
                    List.of("Accept: image/png")), 406, "not-acceptable"));
            tests.add(check("non-UTF-8 path under " + route, raw("GET " + route + "/%ff%fe", tenant.key(), null, null,
                    List.of()), 400, "invalid-parameter"));
            tests.add(check("non-UTF-8 query on " + route, raw("GET " + route + "?cursor=%ff", tenant.key(), null,
                    null, List.of()), 400, "invalid-parameter"));
        }
        tests.add(check("DELETE with a body", raw("DELETE /v1/agents/agt_000000000000000000000000", tenant.key(),
                "application/json", "{}".getBytes(StandardCharsets.UTF_8), List.of()), 400, "malformed-request-body"));
        tests.add(check("a request line over the limit", raw("GET /v1/agents?x=" + "a".repeat(6_000), tenant.key(),
                null, null, List.of()), 414, "uri-too-long"));
        tests.add(check("a header over the limit", raw("GET /v1/agents", tenant.key(), null, null,
                List.of("X-Big: " + "a".repeat(10_000))), 431, "headers-too-large"));
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add("X-Header-" + i + ": " + "b".repeat(100));
        }
        tests.add(check("too many headers", raw("GET /v1/agents", tenant.key(), null, null, many), 431,
                "headers-too-large"));
        tests.add(check("a request that is not HTTP", () -> exchange("GE T /v1/agents HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII)), 400, "malformed-request"));
        tests.add(DynamicTest.dynamicTest("nothing was created by any of them", () -> {
            as(tenant.key()).get().uri("/v1/agents").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
            as(tenant.key()).get().uri("/v1/secrets").exchange().expectBody().jsonPath("$.data.length()").isEqualTo(0);
            as(tenant.key()).get().uri("/v1/webhook-endpoints").exchange().expectBody()
                    .jsonPath("$.data.length()").isEqualTo(0);
        }));
        return tests.stream();
    }

    private interface Call {
        Answer call() throws IOException;
    }

    private DynamicTest check(String name, Call call, int status, String type) {
        return DynamicTest.dynamicTest(name + " -> " + status + " " + type, () -> {
            Answer answer = call.call();
            assertThat(answer.status()).as("status of %s (body %s)", name, answer.body()).isEqualTo(status);
            assertThat(answer.contentType()).as("content type of %s", name).startsWith("application/problem+json");
            assertThat(answer.body()).as("body of %s", name).contains("\"type\":\"" + BASE + type + "\"")
                    .doesNotContain("Exception").doesNotContain("at dev.");
        });
    }

    private Call post(String route, String key, String contentType, String body) {
        return raw(route, key, contentType, body.getBytes(StandardCharsets.UTF_8), List.of());
    }

    private Call raw(String methodAndTarget, String key, String contentType, byte[] body, List<String> headers) {
        return () -> {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(methodAndTarget).append(" HTTP/1.1\r\nHost: localhost\r\n")
                    .append("Connection: close\r\nAuthorization: Bearer ").append(key).append("\r\n");
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            headers.forEach(h -> head.append(h).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                request.writeBytes(body);
            }
            return exchange(request.toByteArray());
        };
    }

    /**
     * Sends the bytes, reads the whole answer. Requests over the limits are only just over them
     * (4 KiB request line, 8 KiB of headers), so the server has read all of a request before it
     * answers and closes: unread bytes would make the close a reset that discards the answer.
     */
    private Answer exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it has read a request over its limits
            }
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = response.indexOf("\r\n\r\n");
            assertThat(headEnd).as("a complete response head in %s", response).isPositive();
            String[] lines = response.substring(0, headEnd).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String contentType = "";
            for (String line : lines) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    contentType = line.substring("content-type:".length()).strip();
                }
            }
            return new Answer(status, contentType, response.substring(headEnd + 4));
        }
    }
}
