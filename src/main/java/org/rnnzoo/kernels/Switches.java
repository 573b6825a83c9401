package org.rnnzoo.kernels;

/**
 * Every {@code -Drnnzoo.*} system property the project reads, read here once when the class loads.
 * Most are measurement switches: they turn one speed-up off so that a separate JVM can time the
 * difference; none changes a result. The table with defaults and the measurements behind each is
 * in docs/performance.md#switches.
 */
public final class Switches {
    private Switches() {}

    /** A speed-up that is on unless its property says {@code false} (any case); every other value leaves it on. */
    private static boolean on(String property) {
        return !"false".equalsIgnoreCase(System.getProperty(property, "").trim());
    }

    /** {@code rnnzoo.noVectorApi=true}: plain-Java loops even when the Vector API module is present. */
    public static final boolean NO_VECTOR_API = Boolean.getBoolean("rnnzoo.noVectorApi");

    /** {@code rnnzoo.threads} (else env {@code ZOO_THREADS}): lanes, 1 or 2; parsed by {@link TwoLanes}. */
    public static final String THREADS = System.getProperty("rnnzoo.threads", System.getenv("ZOO_THREADS"));

    /** {@code rnnzoo.laneSpinMicros} (default 200): how long an idle lane-1 helper spins before parking. */
    public static final long LANE_SPIN_MICROS = Long.getLong("rnnzoo.laneSpinMicros", 200);

    /** {@code rnnzoo.panelChunkBytes} (default 32 KiB): depth chunk of the blocked softmax's shared panel. */
    public static final int PANEL_CHUNK_BYTES = Integer.getInteger("rnnzoo.panelChunkBytes", 32 * 1024);

    /** {@code rnnzoo.blockedSoftmax=false}: the output layer trains with gemms and a softmax pass instead of in vocabulary blocks. */
    public static final boolean BLOCKED_SOFTMAX = on("rnnzoo.blockedSoftmax");

    /** {@code rnnzoo.decoderAlternates=false}: the two-lane decoder always walks the output matrix ascending. */
    public static final boolean DECODER_ALTERNATES = on("rnnzoo.decoderAlternates");

    /** {@code rnnzoo.sampleProposals=false}: unfiltered sampling draws from the float softmax, not from byte proposals. */
    public static final boolean SAMPLE_PROPOSALS = on("rnnzoo.sampleProposals");

    /** {@code rnnzoo.fastAdd=false}: residual adds take DL4J's ElementWiseVertex path instead of FastAddVertex's time-major Java sum. */
    public static final boolean FAST_ADD = on("rnnzoo.fastAdd");

    /**
     * {@code rnnzoo.forkSum=false}: where an activation feeds two vertices, DL4J's own in-place add sums their
     * gradients (libnd4j's element-by-element path for permuted views) instead of the Java sum of layers.TimeMajorGradient.
     */
    public static final boolean FORK_SUM = on("rnnzoo.forkSum");

    /** {@code rnnzoo.fusedSgd=false}: DL4J's own SGD updater and step instead of the fused two-lane pass. */
    public static final boolean FUSED_SGD = on("rnnzoo.fusedSgd");

    /** {@code rnnzoo.fusedAdam=false}: DL4J's own Adam updater and step instead of the fused two-lane pass. */
    public static final boolean FUSED_ADAM = on("rnnzoo.fusedAdam");

    /**
     * {@code rnnzoo.skipPadding=false}: FastLstm runs every padded step of a masked batch (outputs past
     * an example's length are then the LSTM run over the padding, not zeros; loss and gradients are the same).
     */
    public static final boolean SKIP_PADDING = on("rnnzoo.skipPadding");

    /** {@code rnnzoo.fastAdditive=false}: float additive attention scores take the ND4J broadcasts instead of the fused {@link AdditiveScores}. */
    public static final boolean FAST_ADDITIVE = on("rnnzoo.fastAdditive");

    /** {@code rnnzoo.workspaces=none}: the language-model graphs run with DL4J's WorkspaceMode.NONE. */
    public static final boolean NO_WORKSPACES = "none".equalsIgnoreCase(System.getProperty("rnnzoo.workspaces"));
}
