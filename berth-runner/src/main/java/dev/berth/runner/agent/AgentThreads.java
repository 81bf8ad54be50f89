package dev.berth.runner.agent;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared, bounded pool of daemon reader threads: one thread per streaming process / log follow / exec stdin
 * writer while it is active. Bound: system property {@code berth.agent.maxStreamThreads} (default 512);
 * beyond that, new streams fail with {@link AgentErrorCode#LIMIT_EXCEEDED} instead of queueing.
 */
final class AgentThreads {
    private AgentThreads() {}

    static final int MAX = Integer.getInteger("berth.agent.maxStreamThreads", 512);
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(0, MAX, 30, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "berth-agent-io-" + SEQ.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    static void start(Runnable task) throws AgentException {
        try {
            POOL.execute(task);
        } catch (RejectedExecutionException e) {
            throw new AgentException(AgentErrorCode.LIMIT_EXCEEDED, "too many concurrent agent streams (max " + MAX + ")", e);
        }
    }
}
