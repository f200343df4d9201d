package org.fluxion.jvmad.transform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * The loops of a function that reverse mode can count instead of recording each iteration: a
 * header entered by exactly one edge from outside and one back edge (from a block it dominates). The
 * forward counts the back edges taken and records the count once, on leaving the loop; the adjoint
 * walks the body back that many times. An induction variable of such a loop needs no record either:
 * the adjoint knows its value from the count (Enzyme's canonical induction variables).
 */
final class Loops {
    /**
     * A counted loop.
     *
     * @param header the block both edges enter
     * @param latch  the block of the back edge
     * @param body   the natural loop: the header and every block that reaches the latch without it
     */
    record Loop(Block header, Block latch, Set<Block> body, Map<Var, Induction> inductions) {
        /** True when the edge {@code from -> to} leaves this loop. */
        boolean exits(Block from, Block to) {
            return body.contains(from) && !body.contains(to);
        }
    }

    /**
     * A basic induction variable: an int whose only assignment in the loop is {@code v = v + step},
     * instruction {@code index} of the latch. In iteration j it holds {@code v0 + step * j} before that
     * instruction and {@code v0 + step * (j + 1)} after it, {@code v0} being its value on entry.
     */
    record Induction(int index, int step) {
    }

    private Loops() {
    }

    /** The counted loops of {@code f}, by header. */
    static Map<Block, Loop> counted(Function f) {
        List<Block> blocks = f.blocks();
        Map<Block, List<Block>> preds = new HashMap<>();
        for (Block b : blocks) {
            preds.put(b, new ArrayList<>());
        }
        for (Block b : blocks) {
            for (Block s : b.terminator().successors()) {
                preds.get(s).add(b);
            }
        }
        Map<Block, BitSet> dominators = dominators(f, preds);
        Map<Block, Loop> loops = new LinkedHashMap<>();
        for (Block h : blocks) {
            List<Block> in = preds.get(h);
            int outside = h == f.entry() ? 1 : 0;
            Block latch = null;
            int back = 0;
            for (Block p : in) {
                if (dominators.get(p).get(index(f, h))) {
                    back++;
                    latch = p;
                } else {
                    outside++;
                }
            }
            if (back == 1 && outside == 1) {
                Set<Block> body = body(h, latch, preds);
                loops.put(h, new Loop(h, latch, body, inductions(body, latch)));
            }
        }
        return loops;
    }

    private static Map<Var, Induction> inductions(Set<Block> body, Block latch) {
        Map<Var, Integer> defs = new HashMap<>();
        for (Block b : body) {
            for (Insn i : b.insns()) {
                if (i.dst() != null) {
                    defs.merge(i.dst(), 1, Integer::sum);
                }
            }
        }
        Map<Var, Induction> result = new HashMap<>();
        List<Insn> insns = latch.insns();
        for (int k = 0; k < insns.size(); k++) {
            if (insns.get(k) instanceof Insn.Binary b && b.dst().type().equals(Type.INT) && defs.get(b.dst()) == 1) {
                Integer step = null;
                if (b.op() == Insn.BinaryOp.ADD && b.a() == b.dst() && b.b() instanceof Const c) {
                    step = (Integer) c.value();
                } else if (b.op() == Insn.BinaryOp.ADD && b.b() == b.dst() && b.a() instanceof Const c) {
                    step = (Integer) c.value();
                } else if (b.op() == Insn.BinaryOp.SUB && b.a() == b.dst() && b.b() instanceof Const c) {
                    step = -(Integer) c.value();
                }
                if (step != null) {
                    result.put(b.dst(), new Induction(k, step));
                }
            }
        }
        return result;
    }

    private static Set<Block> body(Block header, Block latch, Map<Block, List<Block>> preds) {
        Set<Block> body = new HashSet<>();
        body.add(header);
        Deque<Block> work = new ArrayDeque<>();
        if (body.add(latch)) {
            work.add(latch);
        }
        while (!work.isEmpty()) {
            for (Block p : preds.get(work.poll())) {
                if (body.add(p)) {
                    work.add(p);
                }
            }
        }
        return body;
    }

    private static int index(Function f, Block b) {
        return f.blocks().indexOf(b);
    }

    /** Dominator sets by the iterative data-flow algorithm (functions here have tens of blocks). */
    private static Map<Block, BitSet> dominators(Function f, Map<Block, List<Block>> preds) {
        List<Block> blocks = f.blocks();
        int n = blocks.size();
        Map<Block, BitSet> dom = new HashMap<>();
        for (Block b : blocks) {
            BitSet all = new BitSet(n);
            if (b == f.entry()) {
                all.set(index(f, b));
            } else {
                all.set(0, n);
            }
            dom.put(b, all);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Block b : blocks) {
                if (b == f.entry()) {
                    continue;
                }
                BitSet d = new BitSet(n);
                d.set(0, n);
                boolean any = false;
                for (Block p : preds.get(b)) {
                    d.and(dom.get(p));
                    any = true;
                }
                if (!any) {
                    d.clear();
                }
                d.set(index(f, b));
                if (!d.equals(dom.get(b))) {
                    dom.put(b, d);
                    changed = true;
                }
            }
        }
        return dom;
    }
}
