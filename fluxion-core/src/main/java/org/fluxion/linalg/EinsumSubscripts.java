package org.fluxion.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The parsed subscripts of an einsum ({@code numpy.einsum} notation): one label list per operand and one for
 * the output. Letters {@code a-z}, {@code A-Z} are labels; {@code ...} stands for the operand's remaining
 * axes, right-aligned across operands and broadcast (NumPy's rule), labelled here by the negative numbers
 * {@code -1, -2, ...} (the last broadcast axis is -1). Without {@code ->} the output is the ellipsis axes,
 * then the letters that appear exactly once, in alphabetical order.
 *
 * @param inputs the labels of each operand's axes, in order
 * @param output the labels of the result's axes, in order
 */
record EinsumSubscripts(int[][] inputs, int[] output) {
    static EinsumSubscripts parse(String subscripts, int[] ranks) {
        String s = subscripts.replace(" ", "");
        int arrow = s.indexOf("->");
        String lhs = arrow < 0 ? s : s.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != ranks.length) {
            throw new IllegalArgumentException("einsum: '" + subscripts + "' has " + terms.length + " operand term(s) "
                    + "but " + ranks.length + " operand(s) were given");
        }
        int ellipsisRank = 0;
        for (int i = 0; i < terms.length; i++) {
            int letters = countLetters(subscripts, terms[i]);
            if (terms[i].contains("...")) {
                ellipsisRank = Math.max(ellipsisRank, ranks[i] - letters);
            }
            if (terms[i].contains("...") ? letters > ranks[i] : letters != ranks[i]) {
                throw new IllegalArgumentException("einsum: term '" + terms[i] + "' of '" + subscripts + "' names "
                        + letters + " axes but operand " + i + " has rank " + ranks[i]);
            }
        }
        int[][] inputs = new int[terms.length][];
        for (int i = 0; i < terms.length; i++) {
            inputs[i] = labels(terms[i], ranks[i] - countLetters(subscripts, terms[i]));
        }
        int[] output;
        if (arrow >= 0) {
            String rhs = s.substring(arrow + 2);
            if (rhs.contains("->") || rhs.contains(",")) {
                throw new IllegalArgumentException("einsum: '" + subscripts + "' has more than one output term");
            }
            output = labels(rhs, rhs.contains("...") ? ellipsisRank : 0);
            checkOutput(subscripts, inputs, output);
        } else {
            output = implicitOutput(inputs, ellipsisRank);
        }
        return new EinsumSubscripts(inputs, output);
    }

    private static int countLetters(String subscripts, String term) {
        String t = term;
        int dots = t.indexOf("...");
        if (dots >= 0) {
            t = t.substring(0, dots) + t.substring(dots + 3);
        }
        for (char c : t.toCharArray()) {
            if (!Character.isLetter(c) || c > 'z') {
                throw new IllegalArgumentException("einsum: '" + subscripts + "' contains '" + c + "'; subscripts are "
                        + "letters a-z, A-Z, at most one '...' per term, ',' and '->'");
            }
        }
        return t.length();
    }

    /** The labels of a term whose ellipsis covers {@code ellipsisAxes} axes. */
    private static int[] labels(String term, int ellipsisAxes) {
        List<Integer> out = new ArrayList<>();
        int i = 0;
        while (i < term.length()) {
            if (term.startsWith("...", i)) {
                for (int k = ellipsisAxes; k >= 1; k--) {
                    out.add(-k);
                }
                i += 3;
            } else {
                out.add((int) term.charAt(i++));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void checkOutput(String subscripts, int[][] inputs, int[] output) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (int label : output) {
            if (!seen.add(label)) {
                throw new IllegalArgumentException("einsum: output label '" + name(label) + "' of '" + subscripts
                        + "' appears twice");
            }
            boolean found = false;
            for (int[] in : inputs) {
                found |= Arrays.stream(in).anyMatch(l -> l == label);
            }
            if (!found) {
                throw new IllegalArgumentException("einsum: output label '" + name(label) + "' of '" + subscripts
                        + "' appears in no operand");
            }
        }
    }

    private static int[] implicitOutput(int[][] inputs, int ellipsisRank) {
        List<Integer> out = new ArrayList<>();
        for (int k = ellipsisRank; k >= 1; k--) {
            out.add(-k);
        }
        TreeSet<Integer> once = new TreeSet<>();
        TreeSet<Integer> more = new TreeSet<>();
        for (int[] in : inputs) {
            for (int l : in) {
                if (l >= 0 && !once.add(l)) {
                    more.add(l);
                }
            }
        }
        once.removeAll(more);
        out.addAll(once);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A label as written: its letter, or {@code ...k} for broadcast axis k. */
    static String name(int label) {
        return label >= 0 ? String.valueOf((char) label) : "...(" + label + ")";
    }
}
