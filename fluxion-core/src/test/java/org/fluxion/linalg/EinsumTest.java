package org.fluxion.linalg;

import static org.fluxion.linalg.LinalgTesting.assertClose;
import static org.fluxion.linalg.LinalgTesting.normal;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.NumPyReference;
import org.junit.jupiter.api.Test;

/** Einsum against NumPy over the notation's cases, and the contraction order it chooses. */
class EinsumTest {
    private record Case(String subscripts, int[][] shapes) {
    }

    @Test
    void einsumMatchesNumPy() {
        List<Case> cases = List.of(
                new Case("ij,jk->ik", new int[][] {{3, 4}, {4, 5}}),
                new Case("bij,bjk->bik", new int[][] {{2, 3, 4}, {2, 4, 5}}),
                new Case("ij,jk,kl->il", new int[][] {{3, 4}, {4, 5}, {5, 2}}),
                new Case("ii->i", new int[][] {{4, 4}}),
                new Case("ii", new int[][] {{4, 4}}),
                new Case("ij->ji", new int[][] {{3, 4}}),
                new Case("ij->", new int[][] {{3, 4}}),
                new Case("i,i->", new int[][] {{5}, {5}}),
                new Case("i,j->ij", new int[][] {{3}, {4}}),
                new Case("ij,ij->ij", new int[][] {{3, 4}, {3, 4}}),
                new Case("iij->ji", new int[][] {{3, 3, 2}}),
                new Case("ijk,jl,kl->il", new int[][] {{2, 3, 4}, {3, 5}, {4, 5}}),
                new Case("...ij,...jk->...ik", new int[][] {{2, 1, 3, 4}, {3, 4, 2}}),
                new Case("ij,...j", new int[][] {{3, 4}, {2, 4}}),
                new Case("abc,cd,bd,a->d", new int[][] {{2, 3, 4}, {4, 5}, {3, 5}, {2}}),
                new Case("ba,ca", new int[][] {{3, 2}, {4, 2}}));
        Random r = new Random(1);
        for (Case c : cases) {
            NumPyReference ref = NumPyReference.require();
            Tensor[] ops = new Tensor[c.shapes().length];
            StringBuilder args = new StringBuilder();
            for (int i = 0; i < ops.length; i++) {
                ops[i] = normal(r, c.shapes()[i]);
                ref.input("x" + i, ops[i]);
                args.append(", x").append(i);
            }
            Tensor expected = ref.eval1("np.einsum('" + c.subscripts() + "'" + args + ")");
            assertClose(c.subscripts(), expected, Linalg.einsum(c.subscripts(), ops), 1e-13);
        }
    }

    @Test
    void theCheapestContractionOrderIsChosen() {
        // A [100, 2] B [2, 100] C [100, 2]: (A B) C costs 40,000 multiply-adds, A (B C) 800.
        Einsum.Plan plan = Einsum.plan(List.of(new int[] {'i', 'j'}, new int[] {'j', 'k'}, new int[] {'k', 'l'}),
                new int[] {'i', 'l'}, Map.of((int) 'i', 100, (int) 'j', 2, (int) 'k', 100, (int) 'l', 2));
        assertEquals(800, plan.flops());
        assertArrayEquals(new int[] {1, 2}, plan.steps()[0]);
        assertArrayEquals(new int[] {0, 3}, plan.steps()[1]);
    }

    @Test
    void greedyOrderBeyondTheExhaustiveLimit() {
        int n = Einsum.EXHAUSTIVE + 2;
        List<int[]> labels = new ArrayList<>();
        StringBuilder s = new StringBuilder();
        Tensor[] ops = new Tensor[n];
        Random r = new Random(2);
        for (int i = 0; i < n; i++) {
            labels.add(new int[] {'a' + i, 'a' + i + 1});
            s.append(i == 0 ? "" : ",").append((char) ('a' + i)).append((char) ('a' + i + 1));
            ops[i] = normal(r, 2, 2).div(2);
        }
        Tensor chain = ops[0];
        for (int i = 1; i < n; i++) {
            chain = chain.matmul(ops[i]);
        }
        assertClose("a chain of " + n + " products", chain, Linalg.einsum(s + "->a" + (char) ('a' + n), ops), 1e-14);
    }

    @Test
    void badSubscriptsAreNamed() {
        Tensor a = Tensor.zeros(DType.FLOAT64, 3, 4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.einsum("ij,jk->ik", a, a)),
                "einsum", "label 'j'", "size 4", "size 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.einsum("ijk->i", a)),
                "einsum", "3 axes", "rank 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.einsum("ij->iz", a)),
                "einsum", "'z'", "no operand");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.einsum("ij,jk->ik", a)),
                "einsum", "2 operand term(s)", "1 operand(s)");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Linalg.einsum("i1->i", a)),
                "einsum", "'1'");
    }
}
