package dev.opencomputer.server.brain;

import dev.opencomputer.brain.AcpRuntimes;
import dev.opencomputer.brain.BrainProperties;
import dev.opencomputer.brain.RuntimeCatalogue;
import dev.opencomputer.brain.egress.AddressRules;
import dev.opencomputer.brain.egress.EgressProperties;
import dev.opencomputer.brain.egress.EgressProxy;
import dev.opencomputer.brain.egress.HostResolver;
import dev.opencomputer.brain.gateway.GatewayTokens;
import dev.opencomputer.brain.gateway.GatewayUsage;
import dev.opencomputer.brain.gateway.ModelGateway;
import dev.opencomputer.brain.postgres.PostgresGatewayTokens;
import dev.opencomputer.sandbox.SandboxConfig;
import dev.opencomputer.brain.BrainWorker;
import dev.opencomputer.server.agents.McpServerRules;
import dev.opencomputer.brain.github.GithubSessions;
import dev.opencomputer.brain.github.GithubTools;
import dev.opencomputer.brain.ModelClient;
import dev.opencomputer.brain.ModelProvider;
import dev.opencomputer.brain.RoutingModelClient;
import dev.opencomputer.brain.SessionLeases;
import dev.opencomputer.brain.SessionSetups;
import dev.opencomputer.brain.TenantRunCaps;
import dev.opencomputer.brain.postgres.PostgresSessionLeases;
import dev.opencomputer.brain.providers.AnthropicModelClient;
import dev.opencomputer.brain.providers.OpenAiModelClient;
import dev.opencomputer.eventlog.EventLog;
import dev.opencomputer.sandbox.SandboxDriver;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.server.Roles;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import dev.opencomputer.session.ModelPrice;
import dev.opencomputer.session.PriceTable;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The brain inside the application. Settings from {@code opencomputer.brain.*} are bound on every
 * role (so a bad value fails every start the same way); the model client and the worker exist only
 * where {@code opencomputer.roles} includes {@code brain}: no other process ever reveals a model key.
 * The worker starts with the application and stops (releasing its leases, so another replica
 * resumes its sessions at once) before the event log and the sandbox driver close.
 */
@Configuration(proxyBeanMethods = false)
class BrainConfiguration {

    static final String PREFIX = "opencomputer.brain";

    @Bean
    Roles roles(Environment environment) {
        return Roles.of(environment);
    }

    @Bean
    BrainProperties brainProperties(Environment environment) {
        return Binder.get(environment).bind(PREFIX, BrainProperties.class).orElseGet(BrainProperties::defaults);
    }

    /**
     * What models cost, for budgets: {@link PriceTable#DEFAULTS} with {@code opencomputer.brain.prices.<model>}
     * entries ({@code input}, {@code output}, {@code cache-read}, {@code cache-write}, USD per million
     * tokens) added or replacing a default. Bound on every role: the API prices usage and checks budgets too.
     */
    @Bean
    PriceTable priceTable(Environment environment) {
        Map<String, ModelPrice> configured = Binder.get(environment)
                .bind(PREFIX + ".prices", Bindable.mapOf(String.class, ModelPrice.class)).orElseGet(Map::of);
        return PriceTable.DEFAULTS.with(configured);
    }

    @Bean(destroyMethod = "close")
    @Conditional(BrainRole.class)
    ModelClient modelClient(Clock clock) {
        Duration connectTimeout = Duration.ofSeconds(10);
        return new RoutingModelClient(Map.of(
                ModelProvider.ANTHROPIC, new AnthropicModelClient(connectTimeout, clock),
                ModelProvider.OPENAI, new OpenAiModelClient(connectTimeout, clock)));
    }

    /**
     * The leases on every role: the worker claims runs through them, the hibernation sweeper idle
     * sessions. Claims respect each tenant's {@code maxRunningSessions} ({@link TenantRunCaps}).
     */
    @Bean
    SessionLeases sessionLeases(DataSource dataSource, TenantRunCaps caps) {
        return new PostgresSessionLeases(dataSource, caps);
    }

    /** The model gateway's tokens, on every role: the API revokes a session's tokens when it closes or is destroyed. */
    @Bean
    GatewayTokens gatewayTokens(DataSource dataSource, Clock clock) {
        return new PostgresGatewayTokens(dataSource, clock);
    }

    /** The model gateway, only where brain runs: it is the one other place that reveals model keys. */
    @Bean(destroyMethod = "close")
    @Conditional(BrainRole.class)
    ModelGateway modelGateway(SandboxConfig sandboxConfig, GatewayTokens tokens, SecretStore secrets,
            BrainProperties properties, GatewayUsage usage) {
        return new ModelGateway(sandboxConfig::socketDirOf, tokens, secrets,
                provider -> properties.endpoint(provider, null), usage, "gateway:" + properties.workerId());
    }

    @Bean
    @Conditional(BrainRole.class)
    GatewayUsage gatewayUsage() {
        return new GatewayUsage();
    }

    /**
     * The operator's egress rules ({@code opencomputer.egress.*}), bound on every role: the API checks
     * agents' and sessions' network policies against them.
     */
    @Bean
    EgressProperties egressProperties(Environment environment) {
        return Binder.get(environment).bind(EgressProperties.PREFIX, EgressProperties.class)
                .orElseGet(EgressProperties::defaults);
    }

    /**
     * The egress proxy, only where brain runs (sessions run there). The platform's own addresses are this
     * host's interfaces; its own ports (the API's, the database's) stay refused on them even where the
     * operator allows private addresses.
     */
    @Bean(destroyMethod = "close")
    @Conditional(BrainRole.class)
    EgressProxy egressProxy(SandboxConfig sandboxConfig, EgressProperties properties, Environment environment) {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        ports.add(environment.getProperty("server.port", Integer.class, 8080));
        Integer management = environment.getProperty("management.server.port", Integer.class);
        if (management != null) {
            ports.add(management);
        }
        java.util.regex.Matcher db = java.util.regex.Pattern.compile("//[^/:]+:(\\d+)/")
                .matcher(environment.getProperty("spring.datasource.url", ""));
        if (db.find()) {
            ports.add(Integer.parseInt(db.group(1)));
        }
        return new EgressProxy(sandboxConfig::socketDirOf, properties,
                properties.rules(AddressRules.hostAddresses(), ports), HostResolver.system(properties.hosts()));
    }

    /** Closed by {@link #brainWorkerLifecycle}, early in the shutdown; not again at bean destruction. */
    @Bean(destroyMethod = "")
    @Conditional(BrainRole.class)
    BrainWorker brainWorker(BrainProperties properties, SessionLeases leases, EventLog eventLog,
            SessionSetups setups, SandboxDriver sandboxes, SecretStore secrets, ModelClient models, Clock clock,
            GithubSessions github, McpServerRules mcpRules, PriceTable prices, RuntimeCatalogue runtimes,
            ModelGateway gateway, GatewayTokens tokens, GatewayUsage usage, EgressProxy egress,
            EgressProperties egressProperties) {
        return new BrainWorker(properties, leases, eventLog, setups, sandboxes, secrets, models, clock,
                new GithubTools(github, eventLog), mcpRules.remoteUrlCheck(), prices,
                new AcpRuntimes(runtimes, gateway, tokens, usage, null), egress, egressProperties);
    }

    /** Starts the worker once the application is up; stops it early in the shutdown. */
    @Bean
    @Conditional(BrainRole.class)
    SmartLifecycle brainWorkerLifecycle(BrainWorker worker) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                worker.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                worker.close();
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
