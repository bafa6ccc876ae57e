package dev.opencomputer.server.http;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where handlers run blocking calls (JDBC, container-engine calls, credential checks) off the event
 * loop: one virtual thread per task, shared by every handler that is not a plain controller method
 * (those run on virtual threads already). Shut down with the application context: at that point the
 * web server has drained its requests, so what still runs (a command's output stream, say) gets a
 * short grace and is then interrupted.
 */
@Component
public class BlockingCalls implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(BlockingCalls.class);

    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("oc-blocking-", 0).factory());
    /**
     * Given a plain {@link Executor}, not the service: Reactor wraps an {@code ExecutorService} in a
     * scheduler that interrupts a running task when its subscriber cancels (a client gone, a request
     * answered early), and an interrupted virtual thread closes the socket it reads, so a cancelled
     * lookup broke its pooled database connection. Cancelled work runs to its end here instead.
     */
    private final Scheduler scheduler = Schedulers.fromExecutor(executor::execute);
    private final Duration grace;

    /** Shuts down giving running calls 5 s to finish. */
    public BlockingCalls() {
        this(Duration.ofSeconds(5));
    }

    BlockingCalls(Duration grace) {
        this.grace = grace;
    }

    /** The executor, for code that takes one. */
    public Executor executor() {
        return executor;
    }

    /** The same threads as a Reactor scheduler, for {@code subscribeOn}; cancelling never interrupts. */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            log.info("interrupting the blocking calls still running at shutdown");
            executor.shutdownNow();
        }
        scheduler.dispose();
    }
}
