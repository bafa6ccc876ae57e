package dev.opencomputer.eventlog.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.opencomputer.session.AgentId;
import dev.opencomputer.session.ContentBlock;
import dev.opencomputer.session.EphemeralEvent;
import dev.opencomputer.session.EventCatalogue;
import dev.opencomputer.session.LoggedEvent;
import dev.opencomputer.session.SandboxId;
import dev.opencomputer.session.SessionEvent;
import dev.opencomputer.session.SessionId;
import dev.opencomputer.session.StreamedEvent;
import dev.opencomputer.session.TenantId;
import dev.opencomputer.session.UnknownEvent;
import dev.opencomputer.session.UnloggedEvent;
import dev.opencomputer.session.WebhookSent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.ToStringSerializer;

/**
 * Turns events into their wire JSON and back. An event's data is its record's components as an
 * object with camelCase keys, null fields left out; the envelope is
 * {@code {"seq":…,"sessionId":…,"type":…,"time":…,"data":{…}}} ({@code seq} only for stored
 * events). Reading is lenient: unknown fields are ignored and unknown types (or data a type can no
 * longer read) come back as {@link UnknownEvent}, so older readers survive newer writers.
 * Thread-safe; share one instance.
 */
public final class EventJson {

    private static final Logger log = LoggerFactory.getLogger(EventJson.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final JsonMapper mapper;

    public EventJson() {
        SimpleModule ids = new SimpleModule("opencomputer-ids");
        ids.addSerializer(AgentId.class, ToStringSerializer.instance);
        ids.addSerializer(SandboxId.class, ToStringSerializer.instance);
        ids.addSerializer(SessionId.class, ToStringSerializer.instance);
        ids.addSerializer(TenantId.class, ToStringSerializer.instance);
        ids.addDeserializer(AgentId.class, new IdDeserializer<>(AgentId::parse));
        ids.addDeserializer(SandboxId.class, new IdDeserializer<>(SandboxId::parse));
        ids.addDeserializer(SessionId.class, new IdDeserializer<>(SessionId::parse));
        ids.addDeserializer(TenantId.class, new IdDeserializer<>(TenantId::parse));
        this.mapper = JsonMapper.builder()
                .addModule(ids)
                .addMixIn(ContentBlock.class, ContentBlockMixin.class)
                .changeDefaultPropertyInclusion(
                        inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }

    /** The data of a stored event as JSON text, as it goes into {@code session_events.data}. */
    public String data(SessionEvent event) {
        if (event instanceof WebhookSent sent && sent.endpointId() != null && sent.messageId() != null
                && sent.eventType() != null) {
            return webhookSent(sent);
        }
        return event instanceof UnknownEvent unknown ? mapper.writeValueAsString(unknown.data())
                : mapper.writeValueAsString(event);
    }

    /**
     * {@code webhook.sent}'s data written by hand, exactly as the mapper writes it (EventJsonTest
     * compares): one is appended per delivered webhook, and the mapper was the settle thread's
     * largest cost.
     */
    static String webhookSent(WebhookSent sent) {
        StringBuilder json = new StringBuilder(160).append("{\"endpointId\":\"");
        JsonStringEncoder quote = JsonStringEncoder.getInstance();
        quote.quoteAsString(sent.endpointId(), json);
        json.append("\",\"messageId\":\"");
        quote.quoteAsString(sent.messageId(), json);
        json.append("\",\"eventType\":\"");
        quote.quoteAsString(sent.eventType(), json);
        return json.append("\",\"eventSeq\":").append(sent.eventSeq()).append(",\"statusCode\":")
                .append(sent.statusCode()).append(",\"attempt\":").append(sent.attempt()).append('}').toString();
    }

    /** The data of an ephemeral event as JSON text. */
    public String data(EphemeralEvent event) {
        return event instanceof UnknownEvent unknown ? mapper.writeValueAsString(unknown.data())
                : mapper.writeValueAsString(event);
    }

    /** The data of an event as a JSON tree, e.g. to embed it in a response. */
    public JsonNode dataTree(SessionEvent event) {
        return event instanceof UnknownEvent unknown ? mapper.valueToTree(unknown.data()) : mapper.valueToTree(event);
    }

    /** Reads the data of a stored event of wire type {@code type}. */
    public SessionEvent readStored(String type, String data) {
        Optional<Class<? extends SessionEvent>> known = EventCatalogue.storedType(type);
        if (known.isPresent()) {
            try {
                return mapper.readValue(data, known.get());
            } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
                log.warn("cannot read data of event type {} ({}); keeping it as an unknown event", type, e.getMessage());
            }
        }
        return unknown(type, data);
    }

    /** Reads the data of an ephemeral event of wire type {@code type}. */
    public EphemeralEvent readEphemeral(String type, String data) {
        Optional<Class<? extends EphemeralEvent>> known = EventCatalogue.ephemeralType(type);
        if (known.isPresent()) {
            try {
                return mapper.readValue(data, known.get());
            } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
                log.warn("cannot read data of event type {} ({}); keeping it as an unknown event", type, e.getMessage());
            }
        }
        return unknown(type, data);
    }

    /** The wire JSON of an event with its envelope. */
    public String write(StreamedEvent event) {
        return switch (event) {
            case LoggedEvent e -> envelope(e.sessionId(), e.seq(), e.type(), e.time(), data(e.event()));
            case UnloggedEvent e -> envelope(e.sessionId(), 0, e.type(), e.time(), data(e.event()));
        };
    }

    /**
     * The wire JSON of an event from its parts, without decoding {@code data} (JSON text, spliced
     * in as is); {@code seq} 0 leaves the seq out (ephemeral).
     */
    public String envelope(SessionId sessionId, long seq, String type, Instant time, String data) {
        StringBuilder json = new StringBuilder(data.length() + 128);
        json.append('{');
        if (seq > 0) {
            json.append("\"seq\":").append(seq).append(',');
        }
        json.append("\"sessionId\":\"").append(sessionId.value()).append("\",\"type\":\"");
        JsonStringEncoder.getInstance().quoteAsString(type, json);
        json.append("\",\"time\":\"").append(time).append("\",\"data\":").append(data).append('}');
        return json.toString();
    }

    /**
     * {@link #envelope} in UTF-8, straight from the bytes of {@code data} (JSON in UTF-8), which
     * are copied and never decoded.
     */
    public byte[] envelopeUtf8(SessionId sessionId, long seq, String type, Instant time, byte[] data) {
        return envelopeUtf8(sessionId, seq, type, time.toString(), data);
    }

    /** {@link #envelopeUtf8(SessionId, long, String, Instant, byte[])} with the time already formatted. */
    public byte[] envelopeUtf8(SessionId sessionId, long seq, String type, String time, byte[] data) {
        StringBuilder head = new StringBuilder(96);
        if (seq > 0) {
            head.append("{\"seq\":").append(seq).append(',');
        } else {
            head.append('{');
        }
        head.append("\"sessionId\":\"").append(sessionId.value()).append("\",\"type\":\"");
        JsonStringEncoder.getInstance().quoteAsString(type, head);
        head.append("\",\"time\":\"").append(time).append("\",\"data\":");
        byte[] prefix = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] envelope = new byte[prefix.length + data.length + 1];
        System.arraycopy(prefix, 0, envelope, 0, prefix.length);
        System.arraycopy(data, 0, envelope, prefix.length, data.length);
        envelope[envelope.length - 1] = '}';
        return envelope;
    }

    /** Reads an event with its envelope, given in UTF-8. */
    public StreamedEvent read(byte[] utf8) {
        return read(mapper.readTree(utf8));
    }

    /** Reads an event with its envelope, as written by {@link #write}. */
    public StreamedEvent read(String json) {
        return read(mapper.readTree(json));
    }

    private StreamedEvent read(JsonNode tree) {
        SessionId sessionId = SessionId.parse(tree.required("sessionId").asString());
        String type = tree.required("type").asString();
        Instant time = Instant.parse(tree.required("time").asString());
        JsonNode data = tree.get("data");
        String dataJson = data == null || data.isNull() ? "{}" : mapper.writeValueAsString(data);
        JsonNode seq = tree.get("seq");
        if (seq != null && !seq.isNull()) {
            return new LoggedEvent(sessionId, seq.asLong(), time, readStored(type, dataJson));
        }
        return new UnloggedEvent(sessionId, time, readEphemeral(type, dataJson));
    }

    /** The mapper this codec uses, configured for event records (ids as strings, nulls left out). */
    public JsonMapper mapper() {
        return mapper;
    }

    private UnknownEvent unknown(String type, String data) {
        return new UnknownEvent(type, data == null || data.isBlank() ? Map.of() : mapper.readValue(data, MAP));
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = ContentBlock.Text.class, name = "text"),
        @JsonSubTypes.Type(value = ContentBlock.Thinking.class, name = "thinking"),
        @JsonSubTypes.Type(value = ContentBlock.RedactedThinking.class, name = "redacted_thinking"),
        @JsonSubTypes.Type(value = ContentBlock.ToolUse.class, name = "tool_use")
    })
    private interface ContentBlockMixin {
    }

    private static final class IdDeserializer<T> extends ValueDeserializer<T> {
        private final Function<String, T> parse;

        IdDeserializer(Function<String, T> parse) {
            this.parse = parse;
        }

        @Override
        public T deserialize(JsonParser parser, DeserializationContext context) {
            return parse.apply(parser.getValueAsString());
        }
    }
}
