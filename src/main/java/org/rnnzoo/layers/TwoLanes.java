package org.rnnzoo.layers;

import java.util.concurrent.locks.LockSupport;

/**
 * Splits short phases of work between the calling thread (lane 0) and one helper thread (lane 1):
 * {@link #run} starts a phase on the helper, runs lane 0 itself, and returns when both are done.
 *
 * <p>Why not an executor: a batch-1 decoder step is a few phases of ~10–60 µs each, and handing a
 * task to a pooled thread costs a futex wake-up (several µs, more when the thread was descheduled)
 * per phase. Here the helper spins on a counter while work is likely to follow (it parks after
 * {@link #IDLE_SPIN_NANOS} without any), so a hand-off is one cache-line transfer. Spinning is only
 * worth it on a core that is otherwise idle; the caller decides whether to use two lanes at all.
 */
final class TwoLanes implements AutoCloseable {
    /** The work of one phase for one lane; must not block on the other lane. */
    interface Work {
        void run(int phase, int lane);
    }

    /** How long an idle helper spins before parking: longer than the gap between two phases or tokens. */
    static final long IDLE_SPIN_NANOS = 200_000;

    private final Work work;
    private final Thread helper;
    private int phase;                        // written before `posted`, so the volatile write publishes it
    private volatile long posted, done;
    private volatile boolean sleeping, closed;
    private volatile Throwable failure;

    TwoLanes(Work work, String name) {
        this.work = work;
        this.helper = new Thread(this::helperLoop, name);
        helper.setDaemon(true);               // an unclosed decoder must not keep the JVM alive
        helper.start();
    }

    /** Runs {@code phase} on both lanes and returns when both have finished it. */
    void run(int phase) {
        if (closed) throw new IllegalStateException("TwoLanes is closed");
        this.phase = phase;
        long ticket = posted + 1;
        posted = ticket;
        if (sleeping) LockSupport.unpark(helper);
        Throwable mine = null;
        try {
            work.run(phase, 0);
        } catch (Throwable t) {
            mine = t;
        }
        for (int spins = 0; done != ticket; spins++) {
            if (spins < 10_000) Thread.onSpinWait();
            else Thread.yield();              // the helper was descheduled (a busy machine): give up the core
        }
        Throwable theirs = failure;
        if (mine != null || theirs != null) {
            failure = null;
            Throwable t = mine != null ? mine : theirs;
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    private void helperLoop() {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            while (posted == seen && !closed) {
                if (System.nanoTime() - idleSince < IDLE_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true;          // run() reads `sleeping` after writing `posted`: one of us sees the other
                    if (posted == seen && !closed) LockSupport.park(this);
                    sleeping = false;
                    idleSince = System.nanoTime();
                }
            }
            if (closed) return;
            seen = posted;
            try {
                work.run(phase, 1);
            } catch (Throwable t) {
                failure = t;
            }
            done = seen;
        }
    }

    /** Stops the helper thread (it exits after its current phase, if any). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(helper);
    }
}
