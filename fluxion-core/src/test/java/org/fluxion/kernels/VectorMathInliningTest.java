package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shape C2 needs to inline the float32 vector forms into a loop without boxing (see {@link VectorMath}'s
 * "Speed"): each is at most FreqInlineSize (325) bytecodes and calls no method of its own class but the listed
 * ones (exp from tanh and sigmoid, first; log's rare-input helpers, on a branch ordinary data never takes). A
 * tree of small helpers, the shape that made eager log, tanh and sigmoid 4-8x slower, fails here.
 */
class VectorMathInliningTest {
    private static final int FREQ_INLINE_SIZE = 325;
    private static final Map<String, Set<String>> ALLOWED_CALLS = Map.of(
            "exp", Set.of(),
            "log", Set.of("logSubnormalBits", "logSpecial"),
            "tanh", Set.of("exp"),
            "sigmoid", Set.of("exp"));

    @Test
    void vectorFormsAreSingleMethodsC2Inlines() throws IOException {
        ClassModel cm;
        try (InputStream in = VectorMath.class.getResourceAsStream("VectorMath.class")) {
            cm = ClassFile.of().parse(in.readAllBytes());
        }
        int checked = 0;
        for (MethodModel m : cm.methods()) {
            String name = m.methodName().stringValue();
            if (!ALLOWED_CALLS.containsKey(name) || !m.methodType().stringValue().startsWith("(Ljdk/incubator/vector/FloatVector;)")) {
                continue;
            }
            checked++;
            CodeModel code = m.code().orElseThrow();
            int size = ((CodeAttribute) code).codeLength();
            assertTrue(size <= FREQ_INLINE_SIZE, () -> "VectorMath." + name + "(FloatVector) has " + size
                    + " bytecodes; C2 does not inline more than " + FREQ_INLINE_SIZE + " into a loop");
            Set<String> calls = new TreeSet<>();
            code.forEach(e -> {
                if (e instanceof InvokeInstruction i && i.owner().asInternalName().equals("org/fluxion/kernels/VectorMath")) {
                    calls.add(i.name().stringValue());
                }
            });
            calls.removeAll(ALLOWED_CALLS.get(name));
            assertTrue(calls.isEmpty(), () -> "VectorMath." + name + "(FloatVector) calls its own helpers " + calls
                    + ", which C2 refuses to inline past its node-count cutoff (and then boxes every vector)");
        }
        assertTrue(checked == ALLOWED_CALLS.size(), "found " + checked + " of the vector forms");
    }
}
