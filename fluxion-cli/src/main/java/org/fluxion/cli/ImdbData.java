package org.fluxion.cli;

import java.util.AbstractList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.tensor.Tensor;
import org.fluxion.text.EncodedBatch;
import org.fluxion.text.ReviewCorpus;
import org.fluxion.text.Reviews;
import org.fluxion.text.Tokenizer;
import org.fluxion.text.Vocabulary;

/**
 * The reviews of the imdb example and their features, computed once and shared by its steps: bag-of-words
 * rows over the 50 informative terms and over the full vocabulary, and padded id sequences. Token lists are
 * not kept (25,000 reviews of about 230 tokens would hold millions of strings): each feature re-tokenizes
 * the texts as it is built.
 */
final class ImdbData {
    /** The two halves of the reviews. */
    enum Split { TRAIN, TEST }

    static final Tokenizer TOKENIZER = Tokenizer.standard();

    private final Map<Split, Reviews> reviews = new EnumMap<>(Split.class);
    private final Vocabulary vocabulary;
    private final Vocabulary informative = Vocabulary.of(List.of(), ReviewCorpus.INFORMATIVE, 0);
    private final Map<Split, CsrMatrix> informativeRows = new EnumMap<>(Split.class);
    private final Map<Split, CsrMatrix> vocabularyRows = new EnumMap<>(Split.class);
    private final Map<String, EncodedBatch> sequences = new HashMap<>();

    /** @param vocabulary the full vocabulary (terms plus out-of-vocabulary buckets) */
    ImdbData(Reviews train, Reviews test, Vocabulary vocabulary) {
        reviews.put(Split.TRAIN, train);
        reviews.put(Split.TEST, test);
        this.vocabulary = vocabulary;
    }

    Reviews reviews(Split split) {
        return reviews.get(split);
    }

    int size(Split split) {
        return reviews.get(split).size();
    }

    /** Labels {@code [n]} of the given reviews, float32 0/1. */
    Tensor labels(Split split, long[] rows) {
        float[] all = reviews.get(split).labels();
        float[] y = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            y[i] = all[(int) rows[i]];
        }
        return Tensor.of(y, y.length);
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The texts of a split, tokenized on demand (each element tokenizes when read). */
    List<List<String>> tokens(Split split) {
        List<String> texts = reviews.get(split).texts();
        return new AbstractList<>() {
            @Override
            public List<String> get(int i) {
                return TOKENIZER.tokenize(texts.get(i));
            }

            @Override
            public int size() {
                return texts.size();
            }
        };
    }

    /** Multi-hot rows {@code [n, 50]} over seed 000's informative terms (TensorFlow's categorical column). */
    CsrMatrix informativeRows(Split split) {
        return informativeRows.computeIfAbsent(split, s -> {
            Set<String> terms = Set.copyOf(ReviewCorpus.INFORMATIVE);
            List<List<String>> all = tokens(s);
            List<List<String>> kept = new AbstractList<>() {
                @Override
                public List<String> get(int i) {
                    return all.get(i).stream().filter(terms::contains).toList();
                }

                @Override
                public int size() {
                    return all.size();
                }
            };
            return informative.bagOfWords(kept, true);
        });
    }

    /** Term-count rows {@code [n, vocabulary.size()]} over the full vocabulary. */
    CsrMatrix vocabularyRows(Split split) {
        return vocabularyRows.computeIfAbsent(split, s -> vocabulary.bagOfWords(tokens(s), false));
    }

    /**
     * The id sequences of the given reviews: ids {@code [rows.length, maxLength]}, their mask, and lengths of at
     * least 1 (an empty review is read as one {@code <pad>}, which sequence models need to have a final state).
     */
    EncodedBatch sequenceRows(Split split, long[] rows, int maxLength) {
        EncodedBatch all = sequences(split, maxLength);
        Tensor index = Tensor.of(rows, rows.length);
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            lengths[i] = Math.max(1, all.lengths()[(int) rows[i]]);
        }
        return new EncodedBatch(all.ids().indexSelect(0, index), all.mask().indexSelect(0, index), lengths);
    }

    /** Id sequences {@code [n, maxLength]} (the first tokens, padded) with their mask, for sequence models. */
    EncodedBatch sequences(Split split, int maxLength) {
        return sequences.computeIfAbsent(split + "/" + maxLength, k -> vocabulary.encode(tokens(split), maxLength, false));
    }
}
