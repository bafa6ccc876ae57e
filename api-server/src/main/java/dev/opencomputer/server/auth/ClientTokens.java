package dev.opencomputer.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Mints and verifies client tokens: ES256-signed JWTs that let a browser act on exactly one
 * session (read it, stream it, post messages, cancel). Verification pins ES256 and the token
 * type, requires {@code exp}, {@code aud}, {@code iss}, {@code sub} and {@code tid}, and picks
 * the key by {@code kid}, so {@code alg: none}, HMAC-with-the-public-key confusion, expired
 * tokens and foreign keys are all rejected. Thread-safe.
 */
@Component
public class ClientTokens {

    /** How far past {@code exp} (or before {@code iat}) a token is still accepted, for clocks that drift. */
    public static final java.time.Duration CLOCK_SKEW = java.time.Duration.ofSeconds(5);
    static final String ISSUER = "opencomputer";
    static final String AUDIENCE = "opencomputer:session";
    static final JOSEObjectType TYPE = new JOSEObjectType("oc-client+jwt");
    private static final Logger log = LoggerFactory.getLogger(ClientTokens.class);

    private final ECKey signingKey;
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final ApiProperties.ClientTokens settings;
    private final Clock clock;

    @Autowired
    public ClientTokens(ApiProperties properties, Clock clock) {
        this(loadKeys(properties), properties.clientTokens(), clock);
    }

    ClientTokens(JWKSet keys, ApiProperties.ClientTokens settings, Clock clock) {
        this.signingKey = (ECKey) keys.getKeys().getFirst();
        this.settings = settings;
        this.clock = clock;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256,
                new ImmutableJWKSet<>(keys.toPublicJWKSet())));
        var verifier = new DefaultJWTClaimsVerifier<>(AUDIENCE, new JWTClaimsSet.Builder().issuer(ISSUER).build(),
                Set.of("sub", "tid", "exp", "iat", "jti"));
        verifier.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
        processor.setJWTClaimsSetVerifier(verifier);
    }

    /** A token for {@code session} of {@code tenant}, valid for the configured time. */
    public ClientToken mint(TenantId tenant, SessionId session) {
        return mint(tenant, session, null);
    }

    /**
     * A token for {@code session} of {@code tenant}, valid for the configured time, minted with the
     * API key {@code mintedBy} (claim {@code akid}): revoking that key ends the token too.
     */
    public ClientToken mint(TenantId tenant, SessionId session, String mintedBy) {
        Instant now = clock.instant();
        Instant expires = now.plus(settings.ttl());
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject(session.value()).claim("tid", tenant.value())
                .claim("akid", mintedBy)
                .issueTime(Date.from(now)).expirationTime(Date.from(expires)).jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(TYPE)
                .keyID(signingKey.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(signingKey));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a client token", e);
        }
        return new ClientToken(jwt.serialize(), expires);
    }

    /** The session a valid token grants; anything else is an {@link AuthenticationFailedException}. */
    Caller.SessionClient verify(String token) {
        try {
            JWTClaimsSet claims = processor.process(token, null);
            return new Caller.SessionClient(TenantId.parse(claims.getStringClaim("tid")),
                    SessionId.parse(claims.getSubject()), claims.getStringClaim("akid"),
                    claims.getExpirationTime().toInstant(), claims.getJWTID());
        } catch (ParseException | BadJOSEException | JOSEException | IllegalArgumentException e) {
            log.debug("client token rejected: {}", e.getMessage());
            throw new AuthenticationFailedException();
        }
    }

    /** Whether a presented credential has the shape of a JWT rather than an API key. */
    static boolean looksLikeJwt(String credential) {
        return credential.startsWith("ey") && credential.chars().filter(c -> c == '.').count() == 2;
    }

    private static JWKSet loadKeys(ApiProperties properties) {
        var settings = properties.clientTokens();
        try {
            if (!settings.jwks().isBlank()) {
                return checked(JWKSet.parse(settings.jwks()), "opencomputer.api.client-tokens.jwks");
            }
            if (!settings.jwksFile().isBlank()) {
                return checked(JWKSet.load(Path.of(settings.jwksFile()).toFile()), settings.jwksFile());
            }
            if (!properties.dataDir().isBlank()) {
                Path file = Path.of(properties.dataDir(), "client-token-keys.jwks");
                if (Files.exists(file)) {
                    return checked(JWKSet.load(file.toFile()), file.toString());
                }
                JWKSet generated = new JWKSet(generate());
                // owner-only from its first byte: created with the permissions, then written
                if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
                Files.writeString(file, generated.toString(false), java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                log.info("generated the client-token signing key into {} (owner-only)", file);
                return generated;
            }
            log.warn("no client-token signing key configured (opencomputer.api.client-tokens.jwks/-file): using a "
                    + "key generated for this process only; tokens will not verify on other replicas or after restart");
            return new JWKSet(generate());
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot load the client-token signing keys: " + e.getMessage(), e);
        }
    }

    private static JWKSet checked(JWKSet keys, String source) {
        List<?> usable = keys.getKeys().stream()
                .filter(k -> k instanceof ECKey ec && ec.isPrivate() && Curve.P_256.equals(ec.getCurve())
                        && ec.getKeyID() != null)
                .toList();
        if (usable.isEmpty() || usable.size() != keys.getKeys().size()) {
            throw new IllegalStateException("client-token keys in " + source
                    + " must all be EC P-256 private JWKs with a kid; the first one signs");
        }
        return keys;
    }

    private static ECKey generate() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("ct-" + UUID.randomUUID().toString().substring(0, 8))
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
