package org.rnnzoo.data;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.collection.CollectionSequenceRecordReader;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.Writable;
import org.rnnzoo.datasets.TokenCorpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Token &lt;-&gt; id mapping with four reserved ids. Ids are stable for a given training text
 * (frequency order, ties broken by first occurrence), so two runs on the same data agree.
 * Saved inside every checkpoint so a checkpoint alone can evaluate and sample.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String EOS = TokenCorpus.EOS;
    public static final String BOS = "<s>";
    public static final int PAD_ID = 0, UNK_ID = 1, EOS_ID = 2, BOS_ID = 3;
    private static final List<String> RESERVED = List.of(PAD, UNK, EOS, BOS);

    private final List<String> words;
    private final Map<String, Integer> index;

    private Vocabulary(List<String> words) {
        this.words = List.copyOf(words);
        this.index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) index.put(words.get(i), i);
    }

    /** Words in id order, reserved ones first; the inverse of {@link #fromWords}. */
    public List<String> words() { return words; }

    public static Vocabulary fromWords(List<String> words) {
        if (words.size() < RESERVED.size() || !words.subList(0, RESERVED.size()).equals(RESERVED))
            throw new IllegalArgumentException("vocabulary must start with " + RESERVED);
        return new Vocabulary(words);
    }

    /**
     * Builds from training tokens. Tokens seen fewer than {@code minCount} times, and those past
     * {@code maxSize} (0 = unlimited, counting the reserved ids), map to {@code <unk>}.
     */
    public static Vocabulary build(Iterable<String> tokens, int minCount, int maxSize) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (String t : tokens) counts.computeIfAbsent(t, k -> new int[1])[0]++;
        List<Map.Entry<String, int[]>> entries = new ArrayList<>(counts.entrySet());
        // stable sort keeps first-occurrence order among equal counts
        entries.sort((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0]));
        List<String> words = new ArrayList<>(RESERVED);
        for (Map.Entry<String, int[]> e : entries) {
            if (maxSize > 0 && words.size() >= maxSize) break;
            if (e.getValue()[0] < minCount || RESERVED.contains(e.getKey())) continue;
            words.add(e.getKey());
        }
        return new Vocabulary(words);
    }

    public int size() { return words.size(); }

    public int id(String token) { return index.getOrDefault(token, UNK_ID); }

    public boolean contains(String token) { return index.containsKey(token); }

    public String word(int id) { return words.get(id); }

    public int[] encode(List<String> tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = id(tokens.get(i));
        return ids;
    }

    /**
     * The vocabulary lookup DataVec has no transform for: column {@code column} of every remaining
     * record of {@code records} (tokens joined by single spaces, as {@code Datasets.reader} gives
     * them) becomes a sequence of ids, one {@link IntWritable} per step, ready for
     * {@code RecordReaderMultiDataSetIterator.addSequenceReader}. Reads {@code records} to its end.
     */
    public SequenceRecordReader idSequences(RecordReader records, int column) {
        List<List<List<Writable>>> sequences = new ArrayList<>();
        while (records.hasNext()) {
            String[] tokens = records.next().get(column).toString().split(" ");
            List<List<Writable>> steps = new ArrayList<>(tokens.length);
            for (String t : tokens) steps.add(List.of(new IntWritable(id(t))));
            sequences.add(steps);
        }
        return new CollectionSequenceRecordReader(sequences);
    }

    public List<String> decode(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) out.add(word(id));
        return Collections.unmodifiableList(out);
    }
}
