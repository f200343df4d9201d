package org.fluxion.text;

import java.util.List;

/**
 * Labelled documents: {@code texts.get(i)} has label {@code labels[i]} (1 positive, 0 negative).
 *
 * @param texts  the documents
 * @param labels one per document
 */
public record Reviews(List<String> texts, float[] labels) {
    public Reviews {
        if (texts.size() != labels.length) {
            throw new IllegalArgumentException("Reviews: " + texts.size() + " texts but " + labels.length + " labels");
        }
        texts = List.copyOf(texts);
    }

    public int size() {
        return labels.length;
    }

    /** The texts tokenized by {@code tokenizer}, in order. */
    public List<List<String>> tokenize(Tokenizer tokenizer) {
        return texts.stream().map(tokenizer::tokenize).toList();
    }
}
