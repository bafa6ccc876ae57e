package dev.opencomputer.github;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The REST calls the brain makes to GitHub, with the repository's token: installation tokens for
 * GitHub Apps (an RS256 JWT, cached until shortly before expiry), repository metadata, pull requests
 * and issue comments. Thread-safe. No credential ever appears in a message or log line.
 */
public final class GithubClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

    private record Cached(String token, Instant expiresAt) {
    }

    private final URI apiUrl;
    private final URI gitUrl;
    private final HttpClient http;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, Cached> installationTokens = new ConcurrentHashMap<>();

    /**
     * @param apiUrl the REST API ({@code https://api.github.com})
     * @param gitUrl where repositories are served over HTTPS ({@code https://github.com})
     */
    public GithubClient(URI apiUrl, URI gitUrl, HttpClient http, Clock clock) {
        this.apiUrl = trim(apiUrl);
        this.gitUrl = trim(gitUrl);
        this.http = http;
        this.clock = clock;
    }

    /** The repository's URL for git, without any credential. */
    public URI cloneUrl(String repository) {
        return URI.create(gitUrl + "/" + repository + ".git");
    }

    /** A token for git and REST calls: the token itself, or a (cached) installation token of the app. */
    public String token(GithubCredentials credentials) {
        return switch (credentials) {
            case GithubCredentials.Token token -> token.value();
            case GithubCredentials.App app -> installationToken(app);
        };
    }

    /** The repository's default branch. */
    public String defaultBranch(String repository, String token) {
        JsonNode repo = call("GET", "/repos/" + repository, null, token, "read repository " + repository);
        return repo.path("default_branch").asString("main");
    }

    /** The open pull request from {@code branch}, if there is one. */
    public Optional<PullRequestRef> findPull(String repository, String branch, String token) {
        String owner = repository.substring(0, repository.indexOf('/'));
        JsonNode list = call("GET", "/repos/" + repository + "/pulls?state=open&head="
                + URLEncoder.encode(owner + ":" + branch, StandardCharsets.UTF_8), null, token,
                "list pull requests of " + repository);
        for (JsonNode pull : list) {
            if (branch.equals(pull.path("head").path("ref").asString(""))) {
                return Optional.of(pull(pull));
            }
        }
        return Optional.empty();
    }

    /** Opens a pull request from {@code branch} into {@code base}. */
    public PullRequestRef openPull(String repository, String title, String body, String branch, String base,
            String token) {
        JsonNode pull = call("POST", "/repos/" + repository + "/pulls",
                Map.of("title", title, "body", body, "head", branch, "base", base), token,
                "open a pull request on " + repository);
        return pull(pull);
    }

    /** Comments on an issue (or pull request). */
    public void comment(String repository, long issue, String body, String token) {
        call("POST", "/repos/" + repository + "/issues/" + issue + "/comments", Map.of("body", body), token,
                "comment on " + repository + "#" + issue);
    }

    private String installationToken(GithubCredentials.App app) {
        String key = app.appId() + "/" + app.installationId();
        Cached cached = installationTokens.get(key);
        Instant now = clock.instant();
        if (cached != null && cached.expiresAt().minus(TOKEN_MARGIN).isAfter(now)) {
            return cached.token();
        }
        String jwt;
        try {
            SignedJWT signed = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .issuer(app.appId()).issueTime(Date.from(now.minusSeconds(60)))
                    .expirationTime(Date.from(now.plusSeconds(540))).build());
            signed.sign(new RSASSASigner(app.privateKey()));
            jwt = signed.serialize();
        } catch (JOSEException e) {
            throw new GithubException("could not sign the GitHub App JWT of app " + app.appId(), e);
        }
        JsonNode minted = call("POST", "/app/installations/" + app.installationId() + "/access_tokens", Map.of(), jwt,
                "mint an installation token for app " + app.appId());
        String token = minted.path("token").asString("");
        if (token.isEmpty()) {
            throw new GithubException("GitHub answered no installation token for app " + app.appId(), 0);
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(minted.path("expires_at").asString(""));
        } catch (RuntimeException e) {
            expiresAt = now.plus(Duration.ofMinutes(55));
        }
        installationTokens.put(key, new Cached(token, expiresAt));
        return token;
    }

    private JsonNode call(String method, String path, Object body, String token, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(TIMEOUT)
                .header("Accept", "application/vnd.github+json").header("X-GitHub-Api-Version", "2022-11-28")
                .header("User-Agent", "opencomputer").header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new GithubException("could not " + what + ": GitHub did not answer (" + e.getClass().getSimpleName()
                    + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GithubException("interrupted while trying to " + what, e);
        }
        JsonNode answer;
        try {
            answer = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
        } catch (JacksonException e) {
            answer = json.createObjectNode();
        }
        if (response.statusCode() / 100 != 2) {
            String message = answer.path("message").asString("");
            JsonNode errors = answer.path("errors");
            if (errors.isArray() && !errors.isEmpty() && errors.get(0).has("message")) {
                message = message + ": " + errors.get(0).path("message").asString("");
            }
            throw new GithubException("could not " + what + ": GitHub answered " + response.statusCode()
                    + (message.isBlank() ? "" : " (" + clip(message) + ")"), response.statusCode());
        }
        return answer;
    }

    private static PullRequestRef pull(JsonNode pull) {
        return new PullRequestRef(pull.path("number").asInt(), pull.path("html_url").asString(""),
                pull.path("head").path("ref").asString(""), pull.path("head").path("sha").asString(""));
    }

    private static String clip(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }

    private static URI trim(URI uri) {
        String text = uri.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }
}
