package dev.opencomputer.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class BlockingCallsTest {

    @Test
    void runsWorkOnVirtualThreadsThroughTheExecutorAndTheScheduler() throws Exception {
        BlockingCalls calls = new BlockingCalls();
        try {
            CompletableFuture<Boolean> viaExecutor = CompletableFuture.supplyAsync(
                    () -> Thread.currentThread().isVirtual(), calls.executor());
            Boolean viaScheduler = Mono.fromCallable(() -> Thread.currentThread().isVirtual())
                    .subscribeOn(calls.scheduler()).block();

            assertThat(viaExecutor.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(viaScheduler).isTrue();
        } finally {
            calls.destroy();
        }
    }

    @Test
    void aSubscriberThatCancelsDoesNotInterruptTheRunningCall() throws Exception {
        // an interrupted virtual thread closes the socket it reads: a cancelled lookup broke its connection
        BlockingCalls calls = new BlockingCalls();
        try {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
            var subscription = Mono.fromCallable(() -> {
                started.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                    interrupted.complete(Thread.currentThread().isInterrupted());
                } catch (InterruptedException e) {
                    interrupted.complete(true);
                }
                return "done";
            }).subscribeOn(calls.scheduler()).subscribe();
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

            subscription.dispose();
            release.countDown();

            assertThat(interrupted.get(5, TimeUnit.SECONDS)).isFalse();
        } finally {
            calls.destroy();
        }
    }

    @Test
    void shuttingDownInterruptsWhatStillRunsAfterTheGraceAndTakesNoMoreWork() throws Exception {
        BlockingCalls calls = new BlockingCalls(Duration.ofMillis(100));
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        calls.executor().execute(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

        calls.destroy();

        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> calls.executor().execute(() -> { }))
                .isInstanceOf(RejectedExecutionException.class);
    }
}
