package dev.opencomputer.github.localserver;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.RefAdvertiser.PacketLineOutRefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Git's smart HTTP protocol (stateless RPC) over a bare repository, served by JGit's own
 * {@link UploadPack} and {@link ReceivePack}: what {@code git clone} and {@code git push} speak
 * to GitHub.
 */
final class GitHttp {

    static final String UPLOAD = "git-upload-pack";
    static final String RECEIVE = "git-receive-pack";

    private GitHttp() {
    }

    /** {@code GET …/info/refs?service=…}: the ref advertisement of the service. */
    static void advertise(HttpExchange exchange, Repository repository, String service) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PacketLineOut out = new PacketLineOut(buffer);
        out.writeString("# service=" + service + "\n");
        out.end();
        PacketLineOutRefAdvertiser advertiser = new PacketLineOutRefAdvertiser(out);
        if (service.equals(UPLOAD)) {
            UploadPack pack = new UploadPack(repository);
            pack.setBiDirectionalPipe(false);
            pack.sendAdvertisedRefs(advertiser);
        } else {
            ReceivePack pack = new ReceivePack(repository);
            pack.setBiDirectionalPipe(false);
            pack.sendAdvertisedRefs(advertiser);
        }
        send(exchange, "application/x-" + service + "-advertisement", buffer.toByteArray());
    }

    /** {@code POST …/git-upload-pack}: sends the objects a fetch or clone asks for. */
    static void upload(HttpExchange exchange, Repository repository) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        UploadPack pack = new UploadPack(repository);
        pack.setBiDirectionalPipe(false);
        try (InputStream in = body(exchange)) {
            pack.upload(in, buffer, null);
        }
        send(exchange, "application/x-" + UPLOAD + "-result", buffer.toByteArray());
    }

    /** {@code POST …/git-receive-pack}: takes a push; {@code pushed} hears every ref it updated. */
    static void receive(HttpExchange exchange, Repository repository, Consumer<ReceiveCommand> pushed)
            throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ReceivePack pack = new ReceivePack(repository);
        pack.setBiDirectionalPipe(false);
        pack.setPostReceiveHook((receivePack, commands) -> commands.stream()
                .filter(command -> command.getResult() == ReceiveCommand.Result.OK).forEach(pushed));
        try (InputStream in = body(exchange)) {
            pack.receive(in, buffer, null);
        }
        send(exchange, "application/x-" + RECEIVE + "-result", buffer.toByteArray());
    }

    private static InputStream body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(in) : in;
    }

    private static void send(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
