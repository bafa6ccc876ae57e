package dev.opencomputer.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Arrays;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/** Catching up on a session's whole log over SSE, next to a {@code COPY … TO STDOUT} of the same rows. */
final class CatchUp {

    /** Medians and minimums over the rounds, in ms. */
    record Result(int events, double sseMillis, double copyMillis, double sseBest, double copyBest, long copyBytes) {
        double ratio() {
            return sseMillis / copyMillis;
        }

        double bestRatio() {
            return sseBest / copyBest;
        }
    }

    Result run(DataSource pool, URI stream, String key, String sessionId, long lastSeq, int rounds) throws Exception {
        double[] sse = new double[rounds];
        double[] copy = new double[rounds];
        long bytes = 0;
        for (int r = 0; r < rounds + 1; r++) {
            long start = System.nanoTime();
            readStream(stream, key, lastSeq);
            double sseMillis = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            bytes = copyOut(pool, sessionId);
            double copyMillis = (System.nanoTime() - start) / 1e6;
            if (r > 0) { // the first round warms up both
                sse[r - 1] = sseMillis;
                copy[r - 1] = copyMillis;
            }
        }
        return new Result((int) lastSeq, median(sse), median(copy), Arrays.stream(sse).min().orElseThrow(),
                Arrays.stream(copy).min().orElseThrow(), bytes);
    }

    /**
     * Reads the stream on a plain socket until the message of {@code lastSeq} arrived: as cheap
     * a client as the COPY side's, so that the ratio compares the servers.
     */
    private static void readStream(URI stream, String key, long lastSeq) throws Exception {
        byte[] request = ("GET " + stream.getRawPath() + " HTTP/1.1\r\nHost: " + stream.getHost() + "\r\n"
                + "Authorization: Bearer " + key + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] last = ("\nid:" + lastSeq + "\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(stream.getHost(), stream.getPort())) {
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            int matched = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    matched = b == last[matched] ? matched + 1 : (b == last[0] ? 1 : 0);
                    if (matched == last.length) {
                        return;
                    }
                }
            }
        }
        throw new IllegalStateException("the stream ended before seq " + lastSeq);
    }

    private static long copyOut(DataSource pool, String sessionId) throws Exception {
        try (Connection c = pool.getConnection()) {
            PGConnection pg = c.unwrap(PGConnection.class);
            long[] count = new long[1];
            OutputStream sink = new OutputStream() {
                @Override
                public void write(int b) {
                    count[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    count[0] += len;
                }
            };
            pg.getCopyAPI().copyOut("COPY (SELECT seq, type, data, created_at FROM session_events WHERE session_id = '"
                    + sessionId + "' ORDER BY seq) TO STDOUT", sink);
            return count[0];
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
