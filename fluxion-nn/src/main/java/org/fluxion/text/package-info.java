/**
 * Text: a Unicode-aware word {@link org.fluxion.text.Tokenizer}, a {@link org.fluxion.text.Vocabulary} (built
 * from a corpus with minimum count, maximum size and reserved tokens, out-of-vocabulary hash buckets, or the
 * hashing trick without a vocabulary) that encodes documents as padded id sequences with attention masks
 * ({@link org.fluxion.text.EncodedBatch}) or as bag-of-words sparse rows, the reader of the IMDB review
 * layout ({@link org.fluxion.text.Imdb}) and a seeded generator of a review-like corpus
 * ({@link org.fluxion.text.ReviewCorpus}).
 *
 * <p>Dependencies: tensor, sparse, data (its file errors).
 */
package org.fluxion.text;
