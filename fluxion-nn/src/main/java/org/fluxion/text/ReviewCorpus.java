package org.fluxion.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded generator of review-like text with a Zipfian vocabulary, for tests and examples where the IMDB
 * reviews cannot be downloaded. The vocabulary has {@code size} terms (30,716 by default, the size of seed
 * 000's vocabulary file): common English function words, seed 000's 50 informative terms at plausible
 * ranks, and pronounceable made-up words. Term {@code i} (0-based rank) has base frequency
 * {@code 1 / (i + 2.7)} (Zipf-Mandelbrot). Each class draws its words from the base frequencies tilted by a
 * polarity {@code exp(+-b_i)}: strongly ({@code b = +-0.55}) for the planted sentiment terms ({@link #POSITIVE}, {@link #NEGATIVE}),
 * weakly ({@code b ~ N(0, 0.35^2)}) for a random fifth of the other content words, so that a model of the whole vocabulary can beat one
 * of the 50 terms, as on the real reviews. Review lengths are log-normal (median about 180 tokens, as IMDB's).
 */
public final class ReviewCorpus {
    /** Seed 000's vocabulary size. */
    public static final int SIZE = 30_716;
    /** Seed 000's 50 informative terms. */
    public static final List<String> INFORMATIVE = List.of("bad", "great", "best", "worst", "fun", "beautiful",
            "excellent", "poor", "boring", "awful", "terrible", "definitely", "perfect", "liked", "worse", "waste",
            "entertaining", "loved", "unfortunately", "amazing", "enjoyed", "favorite", "horrible", "brilliant",
            "highly", "simple", "annoying", "today", "hilarious", "enjoyable", "dull", "fantastic", "poorly", "fails",
            "disappointing", "disappointment", "not", "him", "her", "good", "time", "?", ".", "!", "movie", "film",
            "action", "comedy", "drama", "family");
    public static final List<String> POSITIVE = List.of("great", "best", "fun", "beautiful", "excellent", "perfect",
            "liked", "entertaining", "loved", "amazing", "enjoyed", "favorite", "brilliant", "highly", "hilarious",
            "enjoyable", "fantastic", "good");
    public static final List<String> NEGATIVE = List.of("bad", "worst", "poor", "boring", "awful", "terrible", "worse",
            "waste", "unfortunately", "horrible", "annoying", "dull", "poorly", "fails", "disappointing",
            "disappointment", "not");
    private static final List<String> FUNCTION_WORDS = List.of("the", ".", "a", "and", "of", "to", "is", "it", "in",
            "i", "this", "that", "was", "as", "with", "for", "but", "on", "you", "are", "he", "his", "have", "be",
            "one", "all", "at", "they", "by", "an", "who", "so", "from", "like", "there", "or", "just", "about",
            "out", "if", "what", "some", "can", "more", "when", "very", "up", "no", "my", "even", "would", "which",
            "only", "really", "see", "their", "had", "we", "were", "me", "than", "much", "been", "get", "do", "other",
            "will", "also", "into", "how", "first", "because", "people", "most", "made", "its", "make", "way",
            "could", "characters", "too", "any", "after", "think", "watch", "two", "many", "seen", "character",
            "being", "never", "plot", "acting", "know", "where", "little", "did", "ever", "well", "does", "story");
    private static final String[] ONSETS = {"b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
            "v", "w", "z", "br", "cl", "dr", "fl", "gr", "pl", "pr", "sk", "sl", "st", "str", "th", "tr", "sh", "ch"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "ee", "oo", "y"};
    private static final String[] CODAS = {"", "", "n", "r", "s", "t", "l", "m", "nd", "st", "ck", "ng", "x", "rd"};

    private final List<String> terms;
    private final double[] positiveCdf;
    private final double[] negativeCdf;

    private ReviewCorpus(List<String> terms, double[] positiveCdf, double[] negativeCdf) {
        this.terms = terms;
        this.positiveCdf = positiveCdf;
        this.negativeCdf = negativeCdf;
    }

    /** The corpus of seed 000's size. */
    public static ReviewCorpus generate(long seed) {
        return generate(seed, SIZE);
    }

    /**
     * A corpus of {@code size} terms (at least the function words and the informative terms), its
     * vocabulary and polarities drawn from {@code seed}.
     */
    public static ReviewCorpus generate(long seed, int size) {
        int minimum = new LinkedHashSet<>(concat(FUNCTION_WORDS, INFORMATIVE)).size();
        if (size < minimum) {
            throw new IllegalArgumentException("ReviewCorpus: size must be >= " + minimum + ", got " + size);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<String> terms = new ArrayList<>(FUNCTION_WORDS);
        Set<String> used = new HashSet<>(terms);
        List<String> informative = new ArrayList<>(INFORMATIVE.stream().filter(t -> !used.contains(t)).toList());
        used.addAll(informative);
        // The informative terms at ranks spread over roughly 100..1100 (closer in a small vocabulary), among
        // made-up words.
        int[] ranks = new int[informative.size()];
        int step = Math.max(1, Math.min(20, (size - terms.size()) / ranks.length));
        for (int k = 0; k < ranks.length; k++) {
            ranks[k] = terms.size() + k * step + rng.nextInt(step);
        }
        int next = 0;
        while (terms.size() < size) {
            if (next < ranks.length && terms.size() >= ranks[next]) {
                terms.add(informative.get(next++));
                continue;
            }
            String word = madeUpWord(rng);
            if (used.add(word)) {
                terms.add(word);
            }
        }
        double[] polarity = new double[size];
        Set<String> positive = new HashSet<>(POSITIVE);
        Set<String> negative = new HashSet<>(NEGATIVE);
        for (int i = 0; i < size; i++) {
            String t = terms.get(i);
            if (positive.contains(t)) {
                polarity[i] = 0.55;
            } else if (negative.contains(t)) {
                polarity[i] = -0.55;
            } else if (i >= FUNCTION_WORDS.size() && !INFORMATIVE.contains(t) && rng.nextDouble() < 0.2) {
                polarity[i] = 0.35 * rng.nextGaussian();
            }
        }
        return new ReviewCorpus(List.copyOf(terms), cdf(polarity, 1), cdf(polarity, -1));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String madeUpWord(SplittableRandom rng) {
        StringBuilder b = new StringBuilder();
        int syllables = 1 + rng.nextInt(3);
        for (int s = 0; s < syllables; s++) {
            b.append(ONSETS[rng.nextInt(ONSETS.length)]).append(VOWELS[rng.nextInt(VOWELS.length)]);
        }
        return b.append(CODAS[rng.nextInt(CODAS.length)]).toString();
    }

    /** Cumulative distribution of {@code exp(sign * b_i) / (i + 2.7)}, normalized. */
    private static double[] cdf(double[] polarity, int sign) {
        double[] c = new double[polarity.length];
        double acc = 0;
        for (int i = 0; i < c.length; i++) {
            acc += Math.exp(sign * polarity[i]) / (i + 2.7);
            c[i] = acc;
        }
        for (int i = 0; i < c.length; i++) {
            c[i] /= acc;
        }
        return c;
    }

    /** The vocabulary, the most frequent first. */
    public List<String> terms() {
        return terms;
    }

    /**
     * {@code n} reviews, each positive with probability 1/2: words joined by spaces, each sentence
     * capitalized (a tokenizer that lowercases gets the terms back).
     */
    public Reviews sample(int n, SplittableRandom rng) {
        List<String> texts = new ArrayList<>(n);
        float[] labels = new float[n];
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < n; d++) {
            boolean good = rng.nextBoolean();
            labels[d] = good ? 1 : 0;
            double[] cdf = good ? positiveCdf : negativeCdf;
            int length = (int) Math.min(1500, Math.max(10, Math.exp(5.2 + 0.6 * rng.nextGaussian())));
            b.setLength(0);
            boolean capital = true;
            for (int w = 0; w < length; w++) {
                int i = Arrays.binarySearch(cdf, rng.nextDouble());
                String t = terms.get(Math.min(i < 0 ? -i - 1 : i, terms.size() - 1));
                if (w > 0) {
                    b.append(' ');
                }
                b.append(capital ? Character.toUpperCase(t.charAt(0)) + t.substring(1) : t);
                capital = t.equals(".") || t.equals("!") || t.equals("?");
            }
            texts.add(b.toString());
        }
        return new Reviews(texts, labels);
    }
}
