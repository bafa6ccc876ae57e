package dev.opencomputer.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.NettyPipeline;

/**
 * Gives the answers that Reactor Netty writes itself, before any route runs — a request line over
 * its limit (414), headers over theirs (431), a request it cannot parse (400) — the same
 * {@code application/problem+json} body as every other failure, instead of an empty one. Only
 * empty-bodied responses with these statuses are rewritten; the application's own always have a body.
 */
@Configuration(proxyBeanMethods = false)
class DecodingFailureProblems {

    private static final Map<Integer, String[]> PROBLEMS = Map.of(
            414, new String[] {"uri-too-long", "Request line too long", "the request line is too long"},
            431, new String[] {"headers-too-large", "Request headers too large", "the request headers are too large"},
            413, new String[] {"payload-too-large", "Payload too large", "the request is too large"},
            400, new String[] {"malformed-request", "Malformed HTTP request", "the request is not valid HTTP/1.1"});

    @Bean
    NettyServerCustomizer problemBodiesForDecodingFailures() {
        return server -> server.doOnChannelInit((observer, channel, remote) -> {
            if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
                channel.pipeline().addAfter(NettyPipeline.HttpCodec, "oc-decoding-failure-problems", new Rewriter());
            }
        });
    }

    @ChannelHandler.Sharable
    static final class Rewriter extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof FullHttpResponse response && !response.content().isReadable()
                    && !response.headers().contains(HttpHeaderNames.CONTENT_TYPE)
                    && PROBLEMS.containsKey(response.status().code())) {
                String[] problem = PROBLEMS.get(response.status().code());
                byte[] body = ("{\"type\":\"https://opencomputer.dev/problems/" + problem[0] + "\",\"title\":\""
                        + problem[1] + "\",\"status\":" + response.status().code() + ",\"detail\":\"" + problem[2]
                        + "\"}").getBytes(StandardCharsets.UTF_8);
                ByteBuf content = ctx.alloc().buffer(body.length).writeBytes(body);
                FullHttpResponse replaced = new DefaultFullHttpResponse(response.protocolVersion(),
                        HttpResponseStatus.valueOf(response.status().code()), content);
                replaced.headers().set(response.headers());
                replaced.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
                replaced.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                response.release();
                ctx.write(replaced, promise);
                return;
            }
            ctx.write(msg, promise);
        }
    }
}
