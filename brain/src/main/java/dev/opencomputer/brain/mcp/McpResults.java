package dev.opencomputer.brain.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An MCP tool result as the model gets it: text content as is, structured content as JSON, and a
 * short note for what text cannot carry (images, audio, binary resources, links).
 */
public final class McpResults {

    private McpResults() {
    }

    /** The result's content as text, at most {@code limit} characters (cut at the end, and said so). */
    public static String text(McpSchema.CallToolResult result, int limit) {
        List<String> parts = new ArrayList<>();
        for (McpSchema.Content content : result.content() == null ? List.<McpSchema.Content>of() : result.content()) {
            parts.add(switch (content) {
                case McpSchema.TextContent text -> text.text();
                case McpSchema.ImageContent image -> "[image " + image.mimeType() + ", " + decodedSize(image.data())
                        + " bytes]";
                case McpSchema.AudioContent audio -> "[audio " + audio.mimeType() + ", " + decodedSize(audio.data())
                        + " bytes]";
                case McpSchema.EmbeddedResource embedded -> resource(embedded.resource());
                case McpSchema.ResourceLink link -> "[resource link " + link.uri()
                        + (link.name() == null ? "" : " (" + link.name() + ")") + "]";
                default -> "[" + content.type() + " content]";
            });
        }
        if (result.structuredContent() != null && parts.stream().allMatch(String::isBlank)) {
            parts.clear();
            parts.add(json(result.structuredContent()));
        }
        String text = String.join("\n", parts);
        if (text.length() > limit) {
            return text.substring(0, limit) + "\n[the result was cut at " + limit + " characters]";
        }
        return text;
    }

    private static String resource(McpSchema.ResourceContents contents) {
        if (contents instanceof McpSchema.TextResourceContents text) {
            return text.text();
        }
        if (contents instanceof McpSchema.BlobResourceContents blob) {
            return "[resource " + blob.uri() + " (" + blob.mimeType() + "), " + decodedSize(blob.blob()) + " bytes]";
        }
        return "[resource " + contents.uri() + "]";
    }

    private static long decodedSize(String base64) {
        return base64 == null ? 0 : base64.length() * 3L / 4;
    }

    private static String json(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }
}
