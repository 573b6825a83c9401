package org.rnnzoo.datasets;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.records.reader.SequenceRecordReader;
import org.datavec.api.records.reader.impl.collection.CollectionRecordReader;
import org.datavec.api.records.reader.impl.collection.CollectionSequenceRecordReader;
import org.datavec.api.transform.TransformProcess;
import org.datavec.api.transform.schema.Schema;
import org.datavec.api.transform.schema.SequenceSchema;
import org.datavec.api.transform.transform.string.ChangeCaseStringTransform;
import org.datavec.api.writable.Text;
import org.datavec.api.writable.Writable;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw readers' records as DataVec readers, so any zoo dataset can go into a user's own DataVec
 * / DL4J pipeline. In-memory readers over what {@link PennTreebank}, {@link StanfordSentiment},
 * {@link CmudictG2p} and the others already parsed: the parsing is theirs, not DataVec's.
 * <ul>
 *   <li>token stream (language models): a {@link SequenceRecordReader} with one sequence per split,
 *       one step per token, one Text column {@value #TOKEN}. A corpus is one stream (Brown and tiny
 *       Shakespeare have no sentence units in their splits), so a split is not cut into records.</li>
 *   <li>labelled sentence: [{@value #TEXT}, {@value #LABEL}] = the tokens joined by single spaces,
 *       the class name (categorical).</li>
 *   <li>sentence pair: [{@value #SOURCE}, {@value #TARGET}], tokens joined by single spaces.</li>
 *   <li>tagged sentence: [{@value #TEXT}, {@value #TAGS}], the words and their tag names, each joined
 *       by single spaces (word i has tag i).</li>
 * </ul>
 * No token contains a space (the raw readers split at whitespace), so {@code text.split(" ")} gives
 * the raw reader's tokens back.
 */
public final class DatasetRecords {
    public static final String TOKEN = "token", TEXT = "text", LABEL = "label", SOURCE = "source", TARGET = "target", TAGS = "tags";

    private DatasetRecords() {}

    public static SequenceSchema streamSchema() {
        return (SequenceSchema) new SequenceSchema.Builder().addColumnString(TOKEN).build(); // addColumnString returns a Schema.Builder
    }

    public static Schema sentenceSchema(List<String> classes) {
        return new Schema.Builder().addColumnString(TEXT).addColumnCategorical(LABEL, classes).build();
    }

    public static Schema taggedSchema() { return new Schema.Builder().addColumnString(TEXT).addColumnString(TAGS).build(); }

    public static Schema pairSchema() { return new Schema.Builder().addColumnString(SOURCE).addColumnString(TARGET).build(); }

    /**
     * The normalisation of a labelled sentence that DataVec can express: text lower-cased (SST and MR
     * ship lower-cased; this makes it a guarantee) and the label as its class index
     * {@code [0, classes)}, as the raw reader numbers it. Tokenising stays with the raw reader.
     */
    public static TransformProcess sentenceNormalisation(List<String> classes) {
        return new TransformProcess.Builder(sentenceSchema(classes))
                .transform(new ChangeCaseStringTransform(TEXT, ChangeCaseStringTransform.CaseType.LOWER))
                .categoricalToInteger(LABEL)
                .build();
    }

    /** One sequence holding the whole split; its steps are built as they are read, not held twice. */
    public static SequenceRecordReader reader(TokenCorpus corpus, String split) {
        List<String> tokens = corpus.split(split);
        List<List<Writable>> steps = new AbstractList<>() {
            @Override
            public List<Writable> get(int i) { return List.of(new Text(tokens.get(i))); }

            @Override
            public int size() { return tokens.size(); }
        };
        return new CollectionSequenceRecordReader(tokens.isEmpty() ? List.of() : List.of(steps));
    }

    public static RecordReader reader(LabelledSentences sentences, String split) {
        List<List<Writable>> records = new ArrayList<>();
        for (LabelledSentences.Example e : sentences.split(split))
            records.add(List.of(new Text(String.join(" ", e.tokens())), new Text(sentences.classes().get(e.label()))));
        return new CollectionRecordReader(records);
    }

    public static RecordReader reader(SentencePairs pairs, String split) {
        List<List<Writable>> records = new ArrayList<>();
        for (SentencePairs.Pair p : pairs.split(split))
            records.add(List.of(new Text(String.join(" ", p.source())), new Text(String.join(" ", p.target()))));
        return new CollectionRecordReader(records);
    }

    public static RecordReader reader(TaggedSentences sentences, String split) {
        List<List<Writable>> records = new ArrayList<>();
        for (TaggedSentences.Example e : sentences.split(split)) {
            StringBuilder tags = new StringBuilder();
            for (int t : e.tags()) (tags.isEmpty() ? tags : tags.append(' ')).append(sentences.tags().get(t));
            records.add(List.of(new Text(String.join(" ", e.tokens())), new Text(tags.toString())));
        }
        return new CollectionRecordReader(records);
    }
}
