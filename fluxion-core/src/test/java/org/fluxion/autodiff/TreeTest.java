package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Pytrees: flatten/unflatten of lists, maps, records and arrays, and the transforms over trees. */
class TreeTest {
    record Layer(Tensor w, Tensor b) {
    }

    record Model(List<Layer> layers, double scale, Map<String, Tensor> extra) {
    }

    private static Tensor v(double... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void flattenAndUnflattenRoundTrip() {
        Tensor w1 = v(1, 2);
        Tensor b1 = v(3);
        Tensor w2 = v(4);
        Tensor b2 = v(5);
        Tensor e = v(6);
        Model m = new Model(List.of(new Layer(w1, b1), new Layer(w2, b2)), 0.5, Map.of("e", e));
        Tree.Flat flat = Tree.flatten(m);
        assertEquals(List.of(w1, b1, w2, b2, e), flat.leaves());
        assertEquals(5, flat.def().leafCount());
        Model back = flat.def().unflatten(flat.leaves());
        assertEquals(m, back);
        assertSame(w2, back.layers().get(1).w());
        // The same structure gives an equal definition; another does not.
        assertEquals(flat.def(), Tree.flatten(Tree.map(m, t -> t.mul(2))).def());
        assertTrue(!flat.def().equals(Tree.flatten(List.of(w1)).def()));
        Tensor[] array = {w1, b1};
        Tensor[] arrayBack = Tree.flatten(array).def().unflatten(List.of(b1, w1));
        assertArrayEquals(new Tensor[] {b1, w1}, arrayBack);
        assertThrows(IllegalArgumentException.class, () -> flat.def().unflatten(List.of(w1)));
    }

    @Test
    void mapKeyOrderIsDeterministic() {
        Map<String, Tensor> hashed = new HashMap<>();
        for (String k : new String[] {"zeta", "alpha", "mid", "b"}) {
            hashed.put(k, v(k.length()));
        }
        // Unordered maps: sorted keys (alpha, b, mid, zeta).
        assertEquals(List.of(5.0, 1.0, 3.0, 4.0), Tree.leaves(hashed).stream().map(Tensor::item).toList());
        // Ordered maps: their own order, kept by unflatten.
        Map<String, Tensor> linked = new LinkedHashMap<>();
        linked.put("zeta", v(4));
        linked.put("alpha", v(5));
        assertEquals(List.of(4.0, 5.0), Tree.leaves(linked).stream().map(Tensor::item).toList());
        Map<String, Tensor> back = Tree.flatten(linked).def().unflatten(List.of(v(7), v(8)));
        assertEquals(List.of("zeta", "alpha"), List.copyOf(back.keySet()));
        assertEquals(8, back.get("alpha").item());
    }

    @Test
    void gradOfRecordTreeHasTheSameStructure() {
        // f = scale * sum_l sum(w_l^2 * b_l) + sum(e^3)
        Function<Model, Tensor> f = m -> {
            Tensor s = Tensor.scalar(0, DType.FLOAT64);
            for (Layer l : m.layers()) {
                s = s.add(l.w().square().mul(l.b()).sum());
            }
            return s.mul(m.scale()).add(m.extra().get("e").pow(3).sum());
        };
        Model m = new Model(List.of(new Layer(v(1, 2), v(3)), new Layer(v(-1), v(0.5))), 0.5, Map.of("e", v(2)));
        Functional.TreeValueAndGrad<Model> r = Functional.treeValueAndGrad(f).apply(m);
        assertEquals(0.5 * (15 + 0.5) + 8, r.value().item(), 1e-12);
        Model g = r.grad();
        assertEquals(0.5, g.scale());
        assertArrayEquals(new double[] {3, 6}, g.layers().get(0).w().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {2.5}, g.layers().get(0).b().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {-0.5}, g.layers().get(1).w().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.5}, g.layers().get(1).b().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {12}, g.extra().get("e").toDoubleArray(), 1e-12);
        // Second order over a tree: d/dw of (d f/d w) . 1 through a nested treeGrad.
        Function<Map<String, Tensor>, Tensor> cube = p -> p.get("x").pow(3).sum();
        Function<Map<String, Tensor>, Tensor> slope = p -> Functional.treeGrad(cube).apply(p).get("x").sum();
        assertArrayEquals(new double[] {6, 12}, Functional.treeGrad(slope).apply(Map.of("x", v(1, 2))).get("x")
                .toDoubleArray(), 1e-12);
    }

    @Test
    void chooseArgumentsLikeArgnums() {
        // loss(params, x, y) = sum((x * w + b - y)^2); only params (argument 0) is differentiated.
        Function<Object[], Tensor> loss = a -> {
            @SuppressWarnings("unchecked")
            Map<String, Tensor> p = (Map<String, Tensor>) a[0];
            Tensor x = (Tensor) a[1];
            Tensor y = (Tensor) a[2];
            return x.mul(p.get("w")).add(p.get("b")).sub(y).square().sum();
        };
        Map<String, Tensor> params = Map.of("w", v(2), "b", v(1));
        Tensor x = v(1, 2);
        Tensor labels = Tensor.of(new long[] {3, 4}, 2); // an integer leaf, never differentiated
        Functional.TreeValueAndGrads r = Functional.treeValueAndGrad(loss, 0).apply(new Object[] {params, x,
            labels.to(DType.FLOAT64)});
        // residuals: 2+1-3 = 0, 4+1-4 = 1
        assertEquals(1, r.value().item(), 1e-12);
        @SuppressWarnings("unchecked")
        Map<String, Tensor> g = (Map<String, Tensor>) r.grads()[0];
        assertEquals(4, g.get("w").item(), 1e-12);
        assertEquals(2, g.get("b").item(), 1e-12);
        assertEquals(null, r.grads()[1]);
        Functional.TreeValueAndGrads both = Functional.treeValueAndGrad(loss, 0, 1).apply(new Object[] {params, x,
            labels.to(DType.FLOAT64)});
        assertArrayEquals(new double[] {0, 4}, ((Tensor) both.grads()[1]).toDoubleArray(), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> Functional.treeValueAndGrad(loss, 3).apply(new Object[] {params, x, labels}));
        assertThrows(IllegalArgumentException.class, // integer leaves have no gradient
                () -> Functional.treeValueAndGrad(loss, 2).apply(new Object[] {params, x, labels}));
    }

    @Test
    void vjpAndJvpOverTrees() {
        Function<List<Tensor>, Tensor> f = l -> l.get(0).mul(l.get(1)).sin();
        List<Tensor> at = List.of(v(0.3, 0.4), v(2, -1));
        Functional.TreeVjpResult<List<Tensor>> r = Functional.treeVjp(f, at);
        List<Tensor> ct = r.pullback().apply(v(1, 1));
        assertArrayEquals(new double[] {2 * Math.cos(0.6), -Math.cos(-0.4)}, ct.get(0).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.3 * Math.cos(0.6), 0.4 * Math.cos(-0.4)}, ct.get(1).toDoubleArray(), 1e-12);
        Functional.TreeJvpResult<Tensor> j = Functional.treeJvp(f, at, List.of(v(1, 0), v(0, 1)));
        assertArrayEquals(new double[] {2 * Math.cos(0.6), 0.4 * Math.cos(-0.4)}, j.tangent().toDoubleArray(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Functional.treeJvp(f, at, List.of(v(1, 0))));
        // map over two trees: an SGD step
        List<Tensor> stepped = Tree.map(at, ct, (p, g) -> p.sub(g.mul(0.1)));
        assertEquals(0.3 - 0.2 * Math.cos(0.6), stepped.get(0).get(0), 1e-12);
    }
}
