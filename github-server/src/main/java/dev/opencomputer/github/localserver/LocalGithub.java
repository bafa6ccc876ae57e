package dev.opencomputer.github.localserver;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A local GitHub for tests and offline demos: the REST calls the platform makes (repository
 * metadata, GitHub App installation tokens, pull requests, issue comments) and real git repositories
 * over smart HTTP at {@code /<owner>/<name>.git}. Every request is recorded, and every one needs a
 * credential the server accepts: the configured token, or an installation token it minted for a
 * JWT signed with the configured app's key. Like GitHub, git over HTTP takes the token as the
 * password of Basic authentication.
 */
public final class LocalGithub implements AutoCloseable {

    private static final Pattern REPO = Pattern.compile("/repos/([^/]+/[^/]+)(/.*)?");
    private static final Pattern GIT = Pattern.compile("/([^/]+/[^/]+)\\.git/(info/refs|git-upload-pack|git-receive-pack)");
    private static final Pattern INSTALLATION_TOKEN = Pattern.compile("/app/installations/(\\d+)/access_tokens");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A GitHub App the server knows: its id and the public half of its key. */
    public record App(String appId, RSAPublicKey publicKey) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Repositories repositories;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final List<App> apps = new CopyOnWriteArrayList<>();
    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();
    private final List<PullRequest> pulls = new CopyOnWriteArrayList<>();
    private final List<IssueComment> comments = new CopyOnWriteArrayList<>();
    private final List<String> pushes = new CopyOnWriteArrayList<>();
    private final AtomicInteger numbers = new AtomicInteger(100);
    private final AtomicLong commentIds = new AtomicLong(1);
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile CountDownLatch pullLookupGate;
    private final Semaphore heldPullLookups = new Semaphore(0);

    private LocalGithub(String host, int port, Path root) throws IOException {
        this.repositories = new Repositories(root);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a server on {@code 127.0.0.1}, on a free port when {@code port} is 0, keeping repositories under {@code root}. */
    public static LocalGithub start(int port, Path root) {
        return start("127.0.0.1", port, root);
    }

    public static LocalGithub start(String host, int port, Path root) {
        try {
            return new LocalGithub(host, port, root);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The REST API's base URL (what {@code https://api.github.com} is to GitHub). */
    public URI apiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The base URL of git over HTTP (what {@code https://github.com} is to GitHub). */
    public URI gitUrl() {
        return apiUrl();
    }

    /** Accepts {@code token} (a personal access token) from now on. */
    public LocalGithub acceptToken(String token) {
        tokens.add(token);
        return this;
    }

    /** Mints installation tokens for JWTs of this app. */
    public LocalGithub registerApp(App app) {
        apps.add(app);
        return this;
    }

    /** Creates {@code owner/name} with one commit on {@code main} holding {@code files}. */
    public LocalGithub createRepository(String fullName, Map<String, String> files) {
        repositories.create(fullName, files);
        return this;
    }

    public List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    public List<PullRequest> pullRequests() {
        return List.copyOf(pulls);
    }

    public List<IssueComment> comments() {
        return List.copyOf(comments);
    }

    /** Every ref update pushed, as {@code owner/name refs/heads/x <sha>}. */
    public List<String> pushes() {
        return List.copyOf(pushes);
    }

    /**
     * From now on, pull request look-ups ({@code GET …/pulls}) wait until {@link #releasePullLookups()}
     * — for crash tests that kill a client between its push and its pull request.
     */
    public void holdPullLookups() {
        pullLookupGate = new CountDownLatch(1);
    }

    /** Whether a look-up arrived and is being held, within {@code timeout}. */
    public boolean awaitHeldPullLookup(java.time.Duration timeout) throws InterruptedException {
        return heldPullLookups.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets held look-ups go on (to a client that may be gone) and stops holding new ones. */
    public void releasePullLookups() {
        CountDownLatch gate = pullLookupGate;
        pullLookupGate = null;
        if (gate != null) {
            gate.countDown();
        }
    }

    /** A file's text on a branch of a repository, if both exist. */
    public java.util.Optional<String> file(String fullName, String branch, String path) {
        return repositories.file(fullName, branch, path);
    }

    public java.util.Optional<String> head(String fullName, String branch) {
        return repositories.head(fullName, branch);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        repositories.close();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            URI uri = exchange.getRequestURI();
            String path = uri.getPath();
            Matcher git = GIT.matcher(path);
            if (git.matches()) {
                boolean authorized = accepted(basicPassword(exchange));
                calls.add(new RecordedCall(method, uri.toString(), authorized, ""));
                serveGit(exchange, git.group(1), git.group(2), uri.getRawQuery(), authorized);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            Matcher install = INSTALLATION_TOKEN.matcher(path);
            if (install.matches() && method.equals("POST")) {
                boolean signed = validAppJwt(bearer(exchange));
                calls.add(new RecordedCall(method, uri.toString(), signed, text));
                if (!signed) {
                    reply(exchange, 401, Map.of("message", "A JSON web token could not be decoded"));
                    return;
                }
                String token = "ghs_" + HexFormat.of().formatHex(randomBytes(18));
                tokens.add(token);
                reply(exchange, 201, Map.of("token", token, "expires_at", Instant.now().plusSeconds(3600).toString()));
                return;
            }
            boolean authorized = accepted(bearer(exchange));
            calls.add(new RecordedCall(method, uri.toString(), authorized, text));
            if (path.equals("/_local/requests") && method.equals("GET")) {
                reply(exchange, 200, Map.of("calls", calls, "pulls", pulls, "comments", comments, "pushes", pushes));
                return;
            }
            if (!authorized) {
                reply(exchange, 401, Map.of("message", "Bad credentials"));
                return;
            }
            Matcher repo = REPO.matcher(path);
            if (!repo.matches() || repositories.find(repo.group(1)).isEmpty()) {
                reply(exchange, 404, Map.of("message", "Not Found"));
                return;
            }
            rest(exchange, method, repo.group(1), repo.group(2) == null ? "" : repo.group(2), uri, body);
        } catch (RuntimeException e) {
            System.err.println("local GitHub: " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " failed: " + e);
            reply(exchange, 500, Map.of("message", "local GitHub failed: " + e.getClass().getSimpleName()));
        }
    }

    private void rest(HttpExchange exchange, String method, String fullName, String rest, URI uri, byte[] body)
            throws IOException {
        String html = gitUrl() + "/" + fullName;
        if (rest.isEmpty() && method.equals("GET")) {
            reply(exchange, 200, Map.of("full_name", fullName, "default_branch", "main", "private", true,
                    "html_url", html, "clone_url", html + ".git"));
            return;
        }
        Matcher comment = Pattern.compile("/issues/(\\d+)/comments").matcher(rest);
        if (comment.matches() && method.equals("POST")) {
            JsonNode request = json.readTree(body);
            String text = request.path("body").asString("");
            if (text.isBlank()) {
                reply(exchange, 422, Map.of("message", "Validation Failed"));
                return;
            }
            IssueComment created = new IssueComment(fullName, Integer.parseInt(comment.group(1)),
                    commentIds.getAndIncrement(), text);
            comments.add(created);
            reply(exchange, 201, Map.of("id", created.id(), "body", text,
                    "html_url", html + "/issues/" + created.issue() + "#issuecomment-" + created.id()));
            return;
        }
        if (rest.equals("/pulls") && method.equals("GET")) {
            CountDownLatch gate = pullLookupGate;
            if (gate != null) {
                heldPullLookups.release();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String head = query(uri, "head");
            List<Map<String, Object>> open = new ArrayList<>();
            for (PullRequest pull : pulls) {
                if (pull.repository().equalsIgnoreCase(fullName)
                        && (head == null || head.equals(owner(fullName) + ":" + pull.head()))) {
                    open.add(pullJson(pull));
                }
            }
            reply(exchange, 200, open);
            return;
        }
        if (rest.equals("/pulls") && method.equals("POST")) {
            openPull(exchange, fullName, json.readTree(body));
            return;
        }
        reply(exchange, 404, Map.of("message", "Not Found"));
    }

    private void openPull(HttpExchange exchange, String fullName, JsonNode request) throws IOException {
        String title = request.path("title").asString("");
        String head = request.path("head").asString("");
        String base = request.path("base").asString("main");
        String branch = head.contains(":") ? head.substring(head.indexOf(':') + 1) : head;
        var sha = repositories.head(fullName, branch);
        if (title.isBlank() || sha.isEmpty() || repositories.head(fullName, base).isEmpty()) {
            reply(exchange, 422, Map.of("message", "Validation Failed",
                    "errors", List.of(Map.of("resource", "PullRequest", "field", sha.isEmpty() ? "head" : "title",
                            "code", "invalid"))));
            return;
        }
        boolean exists = pulls.stream().anyMatch(p -> p.repository().equalsIgnoreCase(fullName) && p.head().equals(branch));
        if (exists) {
            reply(exchange, 422, Map.of("message", "Validation Failed", "errors", List.of(Map.of("resource",
                    "PullRequest", "code", "custom",
                    "message", "A pull request already exists for " + owner(fullName) + ":" + branch + "."))));
            return;
        }
        int number = numbers.getAndIncrement();
        PullRequest pull = new PullRequest(fullName, number, title, request.path("body").asString(""), branch, base,
                sha.get(), gitUrl() + "/" + fullName + "/pull/" + number);
        pulls.add(pull);
        reply(exchange, 201, pullJson(pull));
    }

    private static Map<String, Object> pullJson(PullRequest pull) {
        return Map.of("number", pull.number(), "title", pull.title(), "body", pull.body(), "state", "open",
                "html_url", pull.url(), "head", Map.of("ref", pull.head(), "sha", pull.headSha()),
                "base", Map.of("ref", pull.base()));
    }

    private void serveGit(HttpExchange exchange, String fullName, String action, String query, boolean authorized)
            throws IOException {
        if (!authorized) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"GitHub\"");
            exchange.sendResponseHeaders(401, -1);
            return;
        }
        var found = repositories.find(fullName);
        if (found.isEmpty()) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        Repository repository = found.get();
        switch (action) {
            case "info/refs" -> {
                String service = query == null ? "" : query.replace("service=", "");
                if (!service.equals(GitHttp.UPLOAD) && !service.equals(GitHttp.RECEIVE)) {
                    exchange.sendResponseHeaders(403, -1);
                    return;
                }
                GitHttp.advertise(exchange, repository, service);
            }
            case "git-upload-pack" -> GitHttp.upload(exchange, repository);
            default -> GitHttp.receive(exchange, repository,
                    command -> pushes.add(fullName + " " + command.getRefName() + " " + command.getNewId().name()));
        }
    }

    private boolean accepted(String token) {
        return token != null && tokens.contains(token);
    }

    private boolean validAppJwt(String token) {
        if (token == null) {
            return false;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
                return false;
            }
            var claims = jwt.getJWTClaimsSet();
            Instant now = Instant.now();
            if (claims.getExpirationTime() == null || claims.getExpirationTime().toInstant().isBefore(now)
                    || claims.getExpirationTime().toInstant().isAfter(now.plusSeconds(660))) {
                return false;
            }
            for (App app : apps) {
                if (app.appId().equals(claims.getIssuer()) && jwt.verify(new RSASSAVerifier(app.publicKey()))) {
                    return true;
                }
            }
            return false;
        } catch (ParseException | JOSEException e) {
            return false;
        }
    }

    private static String bearer(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null) {
            return null;
        }
        for (String scheme : List.of("Bearer ", "token ")) {
            if (header.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return header.substring(scheme.length()).strip();
            }
        }
        return null;
    }

    private static String basicPassword(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            return pair.contains(":") ? pair.substring(pair.indexOf(':') + 1) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String owner(String fullName) {
        return fullName.substring(0, fullName.indexOf('/'));
    }

    private static String query(URI uri, String name) {
        String raw = uri.getQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
