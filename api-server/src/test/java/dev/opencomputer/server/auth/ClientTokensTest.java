package dev.opencomputer.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.opencomputer.server.ApiProperties;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.TenantId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.junit.jupiter.api.Test;

class ClientTokensTest {

    private static final TenantId TENANT = TenantId.next(Instant.now());
    private static final SessionId SESSION = SessionId.next(Instant.now());
    private static final ApiProperties.ClientTokens SETTINGS = new ApiProperties.ClientTokens(Duration.ofMinutes(15), "", "");

    private final ECKey key = generate("k1");
    private final ClientTokens tokens = new ClientTokens(new JWKSet(key), SETTINGS, Clock.systemUTC());

    @Test
    void aMintedTokenGrantsItsOwnSessionAndNothingElse() {
        ClientToken token = tokens.mint(TENANT, SESSION, "key_1");
        Caller.SessionClient caller = tokens.verify(token.token());
        assertThat(caller.mintedBy()).isEqualTo("key_1");
        assertThat(caller.tenantId()).isEqualTo(TENANT);
        assertThat(caller.sessionId()).isEqualTo(SESSION);
        assertThat(caller.expiresAt()).isEqualTo(token.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(caller.requireSession(SESSION)).isEqualTo(TENANT);
        assertThatThrownBy(() -> caller.requireSession(SessionId.next(Instant.now())))
                .isInstanceOf(ForbiddenException.class);
        assertThatThrownBy(caller::requireTenant).isInstanceOf(ForbiddenException.class);
        assertThat(token.expiresAt()).isBetween(Instant.now().plusSeconds(890), Instant.now().plusSeconds(910));
        assertThat(token.toString()).doesNotContain(token.token());
    }

    @Test
    void anExpiredTokenIsRejected() {
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String expired = new ClientTokens(new JWKSet(key), SETTINGS, past).mint(TENANT, SESSION).token();
        assertThatThrownBy(() -> tokens.verify(expired)).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void anUnsignedTokenIsRejected() {
        String none = new PlainJWT(claims().build()).serialize();
        assertThatThrownBy(() -> tokens.verify(none)).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void anHmacTokenKeyedWithThePublicKeyIsRejected() throws Exception {
        byte[] publicKeyAsSecret = key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(ClientTokens.TYPE)
                .keyID("k1").build(), claims().build());
        hs.sign(new MACSigner(publicKeyAsSecret));
        assertThatThrownBy(() -> tokens.verify(hs.serialize())).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void aTokenSignedByAnotherKeyWithTheSameKidIsRejected() throws Exception {
        assertThatThrownBy(() -> tokens.verify(sign(generate("k1"), claims().build(), ClientTokens.TYPE)))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void tokensWithoutExpiryOrForAnotherAudienceOrTypeAreRejected() throws Exception {
        JWTClaimsSet noExp = new JWTClaimsSet.Builder(claims().build()).expirationTime(null).build();
        JWTClaimsSet otherAudience = new JWTClaimsSet.Builder(claims().build()).audience("somebody-else").build();
        assertThatThrownBy(() -> tokens.verify(sign(key, noExp, ClientTokens.TYPE)))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> tokens.verify(sign(key, otherAudience, ClientTokens.TYPE)))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThatThrownBy(() -> tokens.verify(sign(key, claims().build(), JOSEObjectType.JWT)))
                .isInstanceOf(AuthenticationFailedException.class);
        assertThat(tokens.verify(sign(key, claims().build(), ClientTokens.TYPE)).sessionId()).isEqualTo(SESSION);
    }

    @Test
    void aTamperedPayloadIsRejected() {
        String[] parts = tokens.mint(TENANT, SESSION).token().split("\\.");
        String otherSession = SessionId.next(Instant.now()).value();
        String payload = Base64URL.from(parts[1]).decodeToString().replace(SESSION.value(), otherSession);
        String forged = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    void aKeyThatIsNoLongerSigningStillVerifiesDuringRotation() {
        ECKey next = generate("k2");
        String old = tokens.mint(TENANT, SESSION).token();
        var rotated = new ClientTokens(new JWKSet(java.util.List.of(next, key)), SETTINGS, Clock.systemUTC());
        assertThat(rotated.verify(old).sessionId()).isEqualTo(SESSION);
        assertThat(rotated.mint(TENANT, SESSION).token()).isNotNull();
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ClientTokens.ISSUER).audience(ClientTokens.AUDIENCE)
                .subject(SESSION.value()).claim("tid", TENANT.value()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(600))).jwtID("j1");
    }

    private static String sign(ECKey key, JWTClaimsSet claims, JOSEObjectType type) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(type).keyID(key.getKeyID()).build(),
                claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
