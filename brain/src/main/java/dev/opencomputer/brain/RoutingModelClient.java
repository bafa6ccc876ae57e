package dev.opencomputer.brain;

import java.util.EnumMap;
import java.util.Map;

/** Sends each request to the client for its provider. */
public final class RoutingModelClient implements ModelClient {

    private final Map<ModelProvider, ModelClient> clients;

    public RoutingModelClient(Map<ModelProvider, ? extends ModelClient> clients) {
        this.clients = new EnumMap<>(ModelProvider.class);
        this.clients.putAll(clients);
    }

    @Override
    public ModelCall start(ModelRequest request, ApiKey apiKey, ModelStreamListener listener) {
        ModelClient client = clients.get(request.endpoint().provider());
        if (client == null) {
            throw new IllegalArgumentException("no model client for provider " + request.endpoint().provider());
        }
        return client.start(request, apiKey, listener);
    }

    @Override
    public void close() {
        clients.values().forEach(ModelClient::close);
    }
}
