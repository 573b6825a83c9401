package org.rnnzoo.decode;

import java.util.List;

/**
 * What beam search drives: a decoder that encodes its sources once, then gives the next token's
 * log-probabilities one step at a time, each source in {@code copies} consecutive rows (beam slots)
 * whose recurrent state {@link #reorder} moves between rows of one source.
 */
interface StepDecoder {
    /** Encodes the sources (each at least one id) and clears the decoder state; returns the rows, sources × copies. */
    int start(List<int[]> sources, int copies);

    /** Feeds each row's previous token; returns log p(next token) per row, {@code [rows][vocab]}. */
    float[][] step(int[] previous);

    /** Row r continues from row {@code parents[r]}'s recurrent state. */
    void reorder(int[] parents);

    /** Frees the decoder's state. */
    void finish();
}
