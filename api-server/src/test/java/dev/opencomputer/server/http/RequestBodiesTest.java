package dev.opencomputer.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.opencomputer.server.problems.UnknownFieldsException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.databind.json.JsonMapper;

class RequestBodiesTest {

    @JsonIgnoreProperties({"id", "createdAt"})
    record Spec(String name, Inner inner, List<Inner> items, Map<String, Object> metadata) {
    }

    record Inner(String value) {
    }

    private static final String BODY = """
            {"name":"a","id":"x","createdAt":"2000-01-01T00:00:00Z","promt":"typo","tenantId":"t",
             "inner":{"value":"v","valeu":{"deep":[1,2]}},"items":[{"value":"1"},{"value":"2","extra":[]}],
             "metadata":{"anything":{"goes":true}},"more":{"a":1},"list":[1]}""";
    private static final List<String> UNKNOWN = List.of("promt", "tenantId", "inner.valeu", "items[1].extra",
            "more", "list");

    private final JsonMapper json = JsonMapper.builder().build();
    private final RequestBodies bodies = new RequestBodies(json);

    @Test
    void aDecodedBodyNamesEveryUnknownFieldByItsPathAndIgnoresTheReadOnlyOnes() {
        var decoder = new RequestBodies.StrictDecoder(bodies.strictMapper());
        var buffer = DefaultDataBufferFactory.sharedInstance.wrap(BODY.getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decoder.decode(buffer, ResolvableType.forClass(Spec.class),
                MimeTypeUtils.APPLICATION_JSON, Map.of()))
                .isInstanceOfSatisfying(UnknownFieldsException.class,
                        e -> assertThat(e.fields()).containsExactlyInAnyOrderElementsOf(UNKNOWN));
    }

    @Test
    void aTreeNamesEveryUnknownFieldByItsPath() {
        assertThatThrownBy(() -> bodies.read(json.readTree(BODY), Spec.class))
                .isInstanceOfSatisfying(UnknownFieldsException.class,
                        e -> assertThat(e.fields()).containsExactlyInAnyOrderElementsOf(UNKNOWN));
    }

    @Test
    void aBodyOfKnownAndReadOnlyFieldsDecodes() {
        Spec spec = bodies.read(json.readTree("""
                {"name":"a","id":"x","inner":{"value":"v"},"metadata":{"k":1}}"""), Spec.class);
        assertThat(spec.name()).isEqualTo("a");
        assertThat(spec.inner().value()).isEqualTo("v");
    }

    @Test
    void aHandParsedObjectRefusesWhatIsNeitherKnownNorIgnored() {
        assertThatThrownBy(() -> RequestBodies.requireOnly(json.readTree("{\"since\":\"x\",\"until\":1,\"id\":2}"),
                "", List.of("since"), List.of("id")))
                .isInstanceOfSatisfying(UnknownFieldsException.class,
                        e -> assertThat(e.fields()).containsExactly("until"));
        RequestBodies.requireOnly(json.readTree("{\"since\":\"x\"}"), "", List.of("since"), List.of());
    }
}
