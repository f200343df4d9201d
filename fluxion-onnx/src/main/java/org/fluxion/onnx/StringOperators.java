package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fluxion.tensor.Tensor;

/**
 * The operators that read or write string tensors ({@link StringTensor}): StringNormalizer, and Cast,
 * CastLike, Identity and Constant ({@code value} of type STRING, or {@code value_strings}), which replace
 * their tensor-only forms and keep their behaviour on tensors. They are {@link SequenceLowering}s, the
 * lowerings that see non-tensor values. Registered after the tensor-only forms, which they delegate to.
 */
final class StringOperators {
    private StringOperators() {
    }

    static void register(Map<String, Lowering> t) {
        Lowering tensorConstant = t.get("Constant");
        t.put("Constant", (SequenceLowering) (n, in) -> {
            var value = n.attribute("value");
            if (value != null && value.hasT() && value.getT().getDataType() == ElementType.STRING) {
                return new Object[] {StringProtos.read(value.getT(), n.describe())};
            }
            if (n.has("value_strings")) {
                List<String> strings = n.strings("value_strings", List.of());
                return new Object[] {StringTensor.of(strings, strings.size())};
            }
            return tensorConstant.apply(n, new Tensor[0]);
        });
        t.put("StringNormalizer", (SequenceLowering) (n, in) -> new Object[] {normalize(n, strings(n, in, 0))});
        // Identity passes any value: a tensor, a string tensor or a sequence.
        t.put("Identity", (SequenceLowering) (n, in) -> new Object[] {in.length > 0 ? in[0] : null});
        t.put("Cast", (SequenceLowering) (n, in) -> new Object[] {cast(n, present(n, in, 0), (int) n.i("to", 0))});
        t.put("CastLike", (SequenceLowering) (n, in) -> {
            Object like = present(n, in, 1);
            int to = switch (like) {
                case StringTensor s -> ElementType.STRING;
                case Tensor x -> ElementType.code(x.dtype());
                default -> throw n.error("input 1 must be a tensor");
            };
            return new Object[] {cast(n, present(n, in, 0), to)};
        });
    }

    /** Cast of a tensor or a string tensor to the ONNX element type {@code to}. */
    static Object cast(Node n, Object x, int to) {
        return switch (x) {
            case StringTensor s when to == ElementType.STRING -> s;
            case StringTensor s -> {
                var d = ElementType.dtype(to);
                if (d == null) {
                    throw new UnsupportedModelException(n.describe(), List.of("Cast to " + ElementType.name(to)));
                }
                yield StringCasts.parse(n, s, d);
            }
            case Tensor t when to == ElementType.STRING -> StringCasts.format(n, t);
            case Tensor t -> ElementwiseOperators.cast(n, t, to);
            default -> throw n.error("input 0 must be a tensor");
        };
    }

    /**
     * ONNX's StringNormalizer over {@code [C]} or {@code [1, C]}: drops the {@code stopwords} (compared ignoring
     * case in {@code locale} unless {@code is_case_sensitive = 1}), then applies {@code case_change_action}
     * (LOWER, UPPER or NONE). When every element is dropped the result is one empty string, of shape {@code [1]}
     * or {@code [1, 1]}, as the operator's definition says.
     */
    static StringTensor normalize(Node n, StringTensor x) {
        int[] dims = x.dims();
        if (!(dims.length == 1 || dims.length == 2 && dims[0] == 1)) {
            throw n.error("input must have shape [C] or [1, C], not " + x.shape());
        }
        String action = n.s("case_change_action", "NONE");
        if (!List.of("LOWER", "UPPER", "NONE").contains(action)) {
            throw n.error("case_change_action must be LOWER, UPPER or NONE, not '" + action + "'");
        }
        boolean caseSensitive = n.i("is_case_sensitive", 0) != 0;
        Locale locale = locale(n);
        Set<String> stopwords = new HashSet<>();
        for (String w : n.strings("stopwords", List.of())) {
            stopwords.add(caseSensitive ? w : w.toLowerCase(locale));
        }
        List<String> kept = new ArrayList<>();
        for (String s : x.values()) {
            if (stopwords.contains(caseSensitive ? s : s.toLowerCase(locale))) {
                continue;
            }
            kept.add(switch (action) {
                case "LOWER" -> s.toLowerCase(locale);
                case "UPPER" -> s.toUpperCase(locale);
                default -> s;
            });
        }
        if (kept.isEmpty()) {
            return dims.length == 1 ? StringTensor.of(List.of(""), 1) : StringTensor.of(List.of(""), 1, 1);
        }
        return dims.length == 1 ? StringTensor.of(kept, kept.size()) : StringTensor.of(kept, 1, kept.size());
    }

    /** The {@code locale} attribute ({@code en_US}, {@code de-DE}); the root locale when absent or empty. */
    private static Locale locale(Node n) {
        String tag = n.s("locale", "");
        if (tag.isEmpty()) {
            return Locale.ROOT;
        }
        Locale locale = Locale.forLanguageTag(tag.replace('_', '-'));
        if (locale.getLanguage().isEmpty()) {
            throw n.error("locale '" + tag + "' is not a language tag");
        }
        return locale;
    }

    private static Object present(Node n, Object[] in, int i) {
        if (i >= in.length || in[i] == null) {
            throw n.error("input " + i + " is missing");
        }
        if (in[i] instanceof List<?>) {
            throw n.error("input " + i + " is a sequence, where a tensor is needed");
        }
        return in[i];
    }

    private static StringTensor strings(Node n, Object[] in, int i) {
        if (present(n, in, i) instanceof StringTensor s) {
            return s;
        }
        throw n.error("input " + i + " must be a string tensor");
    }
}
