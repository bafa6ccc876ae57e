package dev.opencomputer.brain;

import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.modelserver.ModelServer;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a test runs ACP agents with: the model gateway on the bed's socket directories, upstream the
 * bed's scripted model server ({@code upstream} picks its Anthropic or OpenAI address), its tokens in
 * the bed's database, and the ACP runtimes built in. Closing it closes the gateway.
 */
record AcpGateway(GatewayTokens tokens, GatewayUsage usage, ModelGateway gateway, AcpRuntimes acp)
        implements AutoCloseable {

    static AcpGateway on(Testbed bed, Function<ModelServer, URI> upstream, Duration cancelGrace) {
        GatewayTokens tokens = new PostgresGatewayTokens(bed.pool(), Clock.systemUTC());
        GatewayUsage usage = new GatewayUsage();
        ModelGateway gateway = new ModelGateway(id -> Optional.of(bed.socketDir.resolve(id.value())), tokens,
                bed.secrets, provider -> new ModelEndpoint(provider, upstream.apply(bed.models)), usage, "gateway:it");
        return new AcpGateway(tokens, usage, gateway,
                new AcpRuntimes(RuntimeCatalogue.builtIn(), gateway, tokens, usage, cancelGrace));
    }

    @Override
    public void close() {
        gateway.close();
    }
}
