package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.Tensor;

/**
 * Einsum as views, products and sums: each operand's repeated letters become a diagonal, its axes are
 * permuted into one global letter order with unit axes for absent letters, the operands are multiplied with
 * broadcasting, the letters absent from the output are summed, and the rest permuted into the output's
 * order. An ellipsis stands for the same leading axes in every operand (NumPy's broadcasting). Without
 * {@code ->} the output holds the ellipsis, then the letters used once, in alphabetical order.
 */
final class EinsumOperator {
    private EinsumOperator() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("Einsum", (n, in) -> Values.one(einsum(n, n.s("equation", ""), in)));
    }

    static Tensor einsum(Node n, String equation, Tensor[] operands) {
        String eq = equation.replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != operands.length) {
            throw n.error("equation '" + equation + "' has " + terms.length + " operands, given " + operands.length);
        }
        // The ellipsis becomes upper-case letters A.. (ONNX equations use lower-case letters).
        int ellipsisRank = 0;
        for (int i = 0; i < terms.length; i++) {
            if (terms[i].contains("...")) {
                ellipsisRank = Math.max(ellipsisRank, operands[i].rank() - (terms[i].length() - 3));
            }
        }
        String ell = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".substring(0, ellipsisRank);
        String[] labels = new String[terms.length];
        for (int i = 0; i < terms.length; i++) {
            int own = operands[i].rank() - (terms[i].length() - 3);
            labels[i] = terms[i].contains("...") ? terms[i].replace("...", ell.substring(ellipsisRank - Math.max(own, 0)))
                    : terms[i];
            if (labels[i].length() != operands[i].rank()) {
                throw n.error("term '" + terms[i] + "' does not match operand " + i + " of shape " + operands[i].shape());
            }
        }
        String output;
        if (sides.length > 1) {
            output = sides[1].replace("...", ell);
        } else {
            StringBuilder b = new StringBuilder(ell);
            String all = String.join("", labels);
            all.chars().filter(Character::isLowerCase).distinct().sorted()
                    .filter(c -> all.indexOf(c) == all.lastIndexOf(c)).forEach(c -> b.append((char) c));
            output = b.toString();
        }
        List<Character> letters = new ArrayList<>();
        for (char c : output.toCharArray()) letters.add(c);
        for (String l : labels) for (char c : l.toCharArray()) if (!letters.contains(c)) letters.add(c);

        Tensor product = null;
        for (int i = 0; i < operands.length; i++) {
            Tensor x = operands[i];
            String l = labels[i];
            // Repeated letters: keep the diagonal.
            for (int p = 0; p < l.length(); p++) {
                int q = l.indexOf(l.charAt(p), p + 1);
                while (q >= 0) {
                    x = diagonal(x, p, q);
                    l = l.substring(0, q) + l.substring(q + 1);
                    q = l.indexOf(l.charAt(p), p + 1);
                }
            }
            int[] order = new int[l.length()];
            List<Character> present = new ArrayList<>();
            for (char c : letters) if (l.indexOf(c) >= 0) present.add(c);
            for (int k = 0; k < present.size(); k++) order[k] = l.indexOf(present.get(k));
            x = x.permute(order);
            int[] view = new int[letters.size()];
            int k = 0;
            for (int j = 0; j < letters.size(); j++) {
                view[j] = l.indexOf(letters.get(j)) >= 0 ? x.dim(k++) : 1;
            }
            x = x.reshape(view);
            product = product == null ? x : product.mul(x);
        }
        int[] summed = new int[letters.size() - output.length()];
        for (int j = output.length(); j < letters.size(); j++) summed[j - output.length()] = j;
        Tensor y = summed.length == 0 ? product : product.sum(summed, false);
        return y;
    }

    /** The diagonal of axes p and q (equal lengths), kept at p; q removed. */
    private static Tensor diagonal(Tensor x, int p, int q) {
        int r = x.rank();
        int len = x.dim(p);
        int[] order = new int[r];
        int k = 0;
        for (int a = 0; a < r; a++) if (a != p && a != q) order[k++] = a;
        order[r - 2] = p;
        order[r - 1] = q;
        Tensor moved = x.permute(order).flatten(r - 2, r - 1);
        long[] idx = new long[len];
        for (int i = 0; i < len; i++) idx[i] = (long) i * (len + 1);
        Tensor diag = moved.indexSelect(r - 2, Tensor.of(idx, len));
        // Move the diagonal axis (now last) back to position p.
        int[] back = new int[r - 1];
        int pos = 0;
        for (int a = 0; a < r - 1; a++) {
            if (a == p) {
                back[a] = r - 2;
            } else {
                back[a] = pos++;
            }
        }
        return diag.permute(back);
    }
}
