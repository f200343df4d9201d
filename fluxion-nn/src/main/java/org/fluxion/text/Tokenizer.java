package org.fluxion.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits text into word tokens by Unicode character classes: a word is a run of letters, combining marks
 * and digits (any script), with apostrophes and hyphens kept inside a word ({@code don't},
 * {@code well-made}); an ideograph (Han, kana...) is a word of its own, as those scripts do not separate
 * words by spaces; everything else separates words. Punctuation and symbols are either dropped or kept as
 * one-character tokens (the seed's vocabulary has {@code ?}, {@code .} and {@code !} as terms). Case is
 * folded with {@link Locale#ROOT} when asked, HTML line breaks ({@code <br />}, frequent in IMDB reviews)
 * can be removed first.
 *
 * @param lowercase   fold to lower case
 * @param punctuation what to do with punctuation and symbols
 * @param stripHtml   remove HTML tags ({@code <...>}) before splitting
 */
public record Tokenizer(boolean lowercase, Punctuation punctuation, boolean stripHtml) {
    /** What happens to a punctuation or symbol character. */
    public enum Punctuation {
        /** Dropped, as a separator. */
        DROP,
        /** Kept, each character its own token. */
        KEEP
    }

    /** Lower case, punctuation kept as tokens, HTML tags removed: the setting for the review examples. */
    public static Tokenizer standard() {
        return new Tokenizer(true, Punctuation.KEEP, true);
    }

    /** The tokens of {@code text}, in order. */
    public List<String> tokenize(String text) {
        String s = stripHtml ? text.replaceAll("<[^<>]{0,64}>", " ") : text;
        if (lowercase) {
            s = s.toLowerCase(Locale.ROOT);
        }
        List<String> out = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (i < n) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (Character.isIdeographic(cp)) {
                out.add(s.substring(i, i + len));
                i += len;
            } else if (isWordChar(cp)) {
                int start = i;
                i += len;
                while (i < n) {
                    int c = s.codePointAt(i);
                    if (isWordChar(c) && !Character.isIdeographic(c)) {
                        i += Character.charCount(c);
                    } else if (isJoiner(c) && i + 1 < n && isWordChar(s.codePointAt(i + 1))
                            && !Character.isIdeographic(s.codePointAt(i + 1))) {
                        i += Character.charCount(c); // an apostrophe or hyphen between two word characters
                    } else {
                        break;
                    }
                }
                out.add(s.substring(start, i));
            } else {
                if (punctuation == Punctuation.KEEP && !Character.isWhitespace(cp) && !Character.isSpaceChar(cp)
                        && !Character.isISOControl(cp)) {
                    out.add(s.substring(i, i + len));
                }
                i += len;
            }
        }
        return out;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
                || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isJoiner(int cp) {
        return cp == '\'' || cp == '\u2019' || cp == '-';
    }
}
