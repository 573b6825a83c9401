package org.rnnzoo.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a phase of work in two shares (lanes) run at once: lane 0 on the calling thread, lane 1
 * on one process-wide helper thread. The layers and the batch-1 decoder use it to put this
 * machine's second core on their products: ND4J runs one OpenMP thread (two contend with the JVM,
 * docs/dl4j-notes.md#openmp-threads-on-2-cores), so two Java threads each calling single-threaded
 * gemms on their own half are what scale (docs/performance.md#two-lanes).
 *
 * <p>Why not an executor: a decoder step is a few short phases, and waking a pooled thread costs a
 * futex call per phase, comparable to a phase. The helper spins on a
 * counter while more work is likely ({@link #IDLE_SPIN_NANOS}), then parks, so a hand-off is
 * usually one cache-line transfer.
 *
 * <p>How many lanes: {@code ZOO_THREADS} (or {@code -Drnnzoo.threads}), 1 or 2; default 2 on a
 * machine with two cores or more. 1 leaves the other core to another job (a descheduled helper
 * makes a phase wait for it; the caller yields after spinning). One caller at a time gets the
 * helper; a concurrent caller runs both lanes itself, one after the other.
 */
public final class TwoLanes {
    /** The work of one phase for one lane; a lane must not wait for the other. */
    public interface Work {
        void run(int phase, int lane);
    }

    /**
     * How long an idle helper spins before parking: longer than the gap between two phases or tokens.
     * {@code -Drnnzoo.laneSpinMicros} (default 200) to measure it (docs/performance.md#two-lanes).
     */
    private static final long IDLE_SPIN_NANOS = Switches.LANE_SPIN_MICROS * 1000;

    private static final int LANES = configuredLanes();
    private static final ReentrantLock owner = new ReentrantLock();
    private static TwoLanes helper;             // started on first use, lives as long as the JVM (daemon)

    private final Thread thread;
    private Work work;                          // work and phase are written before `posted`:
    private int phase;                          //   the volatile write publishes them
    private volatile long posted, done;
    private volatile boolean sleeping;
    private volatile Throwable failure;

    private TwoLanes() {
        thread = new Thread(this::loop, "rnnzoo-lane-1");
        thread.setDaemon(true);
        thread.start();
    }

    /** Lanes in use: 1 or 2 (see the class comment). */
    public static int lanes() { return LANES; }

    private static int configuredLanes() {
        String s = Switches.THREADS;
        if (s == null || s.isBlank()) return Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1;
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) return Math.min(n, 2);
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw new IllegalArgumentException("bad value for ZOO_THREADS: '" + s + "' (must be 1 or 2)");
    }

    /**
     * Runs {@code phase} of {@code work} on lanes 0 and 1 and returns when both are done; with
     * {@code shares} = 1 only lane 0 runs. Exceptions of either lane are rethrown here.
     */
    public static void run(Work work, int phase, int shares) {
        if (shares == 1) {
            work.run(phase, 0);
            return;
        }
        if (LANES == 1 || owner.isHeldByCurrentThread() || !owner.tryLock()) {   // held: a lane splitting again
            work.run(phase, 0);
            work.run(phase, 1);
            return;
        }
        try {
            if (helper == null) helper = new TwoLanes();
            helper.split(work, phase);
        } finally {
            owner.unlock();
        }
    }

    /** The work of one lane over its share [from, to) of a flat range. */
    public interface RangeWork {
        void run(long from, long to, int lane);
    }

    /**
     * Cuts [0, n) in contiguous halves, one per lane (a single share below 1,024 values), and runs
     * them at once: the memory-bound passes over a whole flattened gradient (clipping's norm and
     * rescale, the SGD update and step).
     */
    public static void runOverRange(long n, RangeWork work) {
        int shares = n >= 1024 ? LANES : 1;
        run((phase, lane) -> work.run(n * lane / shares, n * (lane + 1) / shares, lane), 0, shares);
    }

    /**
     * The two products of a dense layer's backward pass, split over the lanes when there are 64 rows or
     * more: gW = xᵀ·dz by blocks of columns, dx = dz·wᵀ by blocks of rows ({@code x [n, in]},
     * {@code dz [n, out]}, {@code w} and {@code gW [in, out]}, {@code dx [n, in]}).
     */
    public static void denseBackward(INDArray x, INDArray dz, INDArray w, INDArray gW, INDArray dx) {
        int shares = x.size(0) >= 64 ? LANES : 1;
        // gemm writes only contiguous blocks: a row-major gW's blocks of columns are not (a SameDiff vertex's parameters)
        INDArray into = shares > 1 && gW.ordering() != 'f' ? Nd4j.createUninitialized(gW.dataType(), gW.shape(), 'f') : gW;
        INDArray[] dzCols = columnShares(dz, shares), gWCols = columnShares(into, shares), dzRows = rowShares(dz, shares),
                dxRows = rowShares(dx, shares);
        run((phase, k) -> {
            Nd4j.gemm(x, dzCols[k], gWCols[k], true, false, 1.0, 0.0);
            Nd4j.gemm(dzRows[k], w, dxRows[k], false, true, 1.0, 0.0);
        }, 0, shares);
        if (into != gW) gW.assign(into);
    }

    /** A 2-d array cut into {@code shares} blocks of rows, one per lane (views; the array itself for one share). */
    public static INDArray[] rowShares(INDArray a, int shares) {
        INDArray[] out = new INDArray[shares];
        for (int k = 0; k < shares; k++)
            out[k] = shares == 1 ? a : a.get(NDArrayIndex.interval(a.size(0) * k / shares, a.size(0) * (k + 1) / shares), NDArrayIndex.all());
        return out;
    }

    /** A 2-d array cut into {@code shares} blocks of columns, one per lane (views; the array itself for one share). */
    public static INDArray[] columnShares(INDArray a, int shares) {
        INDArray[] out = new INDArray[shares];
        for (int k = 0; k < shares; k++)
            out[k] = shares == 1 ? a : a.get(NDArrayIndex.all(), NDArrayIndex.interval(a.size(1) * k / shares, a.size(1) * (k + 1) / shares));
        return out;
    }

    private void split(Work w, int p) {
        work = w;
        phase = p;
        long ticket = posted + 1;
        posted = ticket;
        if (sleeping) LockSupport.unpark(thread);   // the helper reads `posted` after writing `sleeping`: one of us sees the other
        Throwable mine = null;
        try {
            w.run(p, 0);
        } catch (Throwable t) {
            mine = t;
        }
        for (int spins = 0; done != ticket; spins++) {
            if (spins < 20_000) Thread.onSpinWait();
            else Thread.yield();                    // the helper was descheduled (a busy machine): give up the core
        }
        work = null;
        Throwable theirs = failure;
        failure = null;
        Throwable t = mine != null ? mine : theirs;
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException(t);
    }

    private void loop() {
        long seen = 0;
        while (true) {
            long idleSince = System.nanoTime();
            while (posted == seen) {
                if (System.nanoTime() - idleSince < IDLE_SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true;
                    if (posted == seen) LockSupport.park(this);
                    sleeping = false;
                    idleSince = System.nanoTime();
                }
            }
            seen = posted;
            try {
                work.run(phase, 1);
            } catch (Throwable t) {
                failure = t;
            }
            done = seen;
        }
    }
}
