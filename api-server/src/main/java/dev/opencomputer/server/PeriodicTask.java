package dev.opencomputer.server;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Work a process does on its own every so often (reaping, purging, checking), started and
 * stopped with the application: {@link #tick()} runs on a virtual thread named {@code name},
 * first after {@code initialDelay}, then {@code interval} after the previous one ended. A tick
 * must catch its own failures; one that throws ends the schedule.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private final String name;
    private final Duration initialDelay;
    private final Duration interval;
    private volatile ScheduledExecutorService timer;

    protected PeriodicTask(String name, Duration initialDelay, Duration interval) {
        this.name = name;
        this.initialDelay = initialDelay;
        this.interval = interval;
    }

    /** One round of the work. */
    protected abstract void tick();

    @Override
    public void start() {
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(name).factory());
        t.scheduleWithFixedDelay(this::tick, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        timer = t;
    }

    @Override
    public void stop() {
        ScheduledExecutorService t = timer;
        if (t != null) {
            t.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
