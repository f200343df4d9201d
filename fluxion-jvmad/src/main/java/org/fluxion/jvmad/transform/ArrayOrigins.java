package org.fluxion.jvmad.transform;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Var;

/**
 * Which arrays nothing writes, in the call tree of an entry function: a flow- and
 * context-insensitive points-to analysis over array origins (a parameter of the entry, an allocation
 * site, a static final constant), propagated through moves, calls and returns to a fixed point; an
 * origin is written when a store, or a JDK call such as {@code Arrays.fill}, goes through a variable
 * that may point to it. Arrays of arrays: the rows an origin may hold are origins too (those it was
 * made or passed in with, and those stored into it), and a load of a row may give any of them.
 *
 * <p>Reverse mode uses it to recompute instead of record: a load from an array that no one writes
 * between the forward and the adjoint sweep (the entry's inputs, read-only) gives the same value when
 * the adjoint reads it again, so the adjoint re-reads it rather than popping it from the tape.
 */
final class ArrayOrigins {
    private record EntryParam(int index) {
    }

    /** The rows that an array of arrays of origin {@code outer} held when it was made or passed in. */
    private record Rows(Object outer) {
    }

    private static final Object CONSTANT = "static final";
    private static final Object UNKNOWN = "unknown";

    private final Map<Var, Set<Object>> origins = new HashMap<>();
    private final Map<Function, Set<Object>> returned = new HashMap<>();
    private final Set<Object> written = new HashSet<>();
    /** For an origin of an array of arrays: the origins of the rows it may hold. */
    private final Map<Object, Set<Object>> rows = new HashMap<>();
    private final Set<Function> functions = new LinkedHashSet<>();

    private ArrayOrigins(Function entry) {
        Deque<Function> work = new ArrayDeque<>(List.of(entry));
        while (!work.isEmpty()) {
            Function f = work.poll();
            if (functions.add(f)) {
                for (Block b : f.blocks()) {
                    for (Insn i : b.insns()) {
                        if (i instanceof Insn.Call c) {
                            work.add(c.callee());
                        }
                    }
                }
            }
        }
        for (int k = 0; k < entry.params().size(); k++) {
            if (entry.params().get(k).type().isArray()) {
                of(entry.params().get(k)).add(new EntryParam(k));
            }
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Function f : functions) {
                changed |= propagate(f);
            }
        }
    }

    /**
     * For each function of {@code entry}'s call tree, the array parameters it never assigns whose
     * every origin is an input of the entry or a constant, none of them written.
     */
    static Map<Function, Set<Var>> readOnlyParams(Function entry) {
        ArrayOrigins a = new ArrayOrigins(entry);
        Map<Function, Set<Var>> result = new HashMap<>();
        for (Function f : a.functions) {
            Set<Var> assigned = new HashSet<>();
            for (Block b : f.blocks()) {
                for (Insn i : b.insns()) {
                    if (i.dst() != null) {
                        assigned.add(i.dst());
                    }
                }
            }
            Set<Var> stable = new HashSet<>();
            for (Var p : f.params()) {
                // An array of arrays is read-only when none of the rows it may hold is written either.
                Set<Object> o = a.reachable(a.origins.getOrDefault(p, Set.of()));
                boolean inputs = !o.isEmpty() && o.stream().allMatch(ArrayOrigins::isInput);
                if (p.type().isArray() && !assigned.contains(p) && inputs && o.stream().noneMatch(a.written::contains)) {
                    stable.add(p);
                }
            }
            result.put(f, stable);
        }
        return result;
    }

    /** An entry's input or a constant, or one of their rows as passed in. */
    private static boolean isInput(Object origin) {
        while (origin instanceof Rows r) {
            origin = r.outer();
        }
        return origin instanceof EntryParam || origin == CONSTANT;
    }

    /** The origins and, transitively, those of the rows they may hold. */
    private Set<Object> reachable(Set<Object> from) {
        Set<Object> all = new HashSet<>();
        Deque<Object> work = new ArrayDeque<>(from);
        while (!work.isEmpty()) {
            Object o = work.poll();
            if (all.add(o)) {
                work.addAll(rows.getOrDefault(o, Set.of()));
            }
        }
        return all;
    }

    /** The origins of the rows an array of arrays of origin {@code o} may hold: its own to begin with. */
    private Set<Object> rowsOf(Object o) {
        return rows.computeIfAbsent(o, k -> new HashSet<>(Set.of(new Rows(k))));
    }

    private Set<Object> of(Var v) {
        return origins.computeIfAbsent(v, k -> new HashSet<>());
    }

    private Set<Object> originsOf(Operand o) {
        if (o instanceof Var v) {
            return of(v);
        }
        Const c = (Const) o;
        return c.isArray() ? Set.of(CONSTANT) : Set.of();
    }

    private boolean propagate(Function f) {
        boolean changed = false;
        for (Block b : f.blocks()) {
            for (Insn i : b.insns()) {
                switch (i) {
                    case Insn.Move m when m.dst().type().isArray() -> changed |= of(m.dst()).addAll(originsOf(m.src()));
                    case Insn.NewArray n -> changed |= of(n.dst()).add(n);
                    case Insn.Pop p when p.dst().type().isArray() -> changed |= of(p.dst()).add(UNKNOWN);
                    case Insn.ArrayLoad l when l.dst().type().isArray() -> {
                        for (Object o : List.copyOf(originsOf(l.array()))) {
                            changed |= of(l.dst()).addAll(rowsOf(o));
                        }
                    }
                    case Insn.ArrayStore s -> {
                        changed |= written.addAll(originsOf(s.array()));
                        if (s.value().type().isArray()) {
                            for (Object o : List.copyOf(originsOf(s.array()))) {
                                changed |= rowsOf(o).addAll(originsOf(s.value()));
                            }
                        }
                    }
                    case Insn.Invoke inv -> {
                        for (Operand a : inv.args()) {
                            if (a.type().isArray()) {
                                changed |= written.addAll(reachable(originsOf(a)));
                            }
                        }
                        if (inv.dst() != null && inv.dst().type().isArray()) {
                            changed |= of(inv.dst()).add(UNKNOWN);
                        }
                    }
                    case Insn.Call c -> {
                        List<Var> params = c.callee().params();
                        for (int k = 0; k < params.size(); k++) {
                            if (params.get(k).type().isArray()) {
                                changed |= of(params.get(k)).addAll(originsOf(c.args().get(k)));
                            }
                        }
                        if (c.dst() != null && c.dst().type().isArray()) {
                            changed |= of(c.dst()).addAll(returned.getOrDefault(c.callee(), Set.of()));
                        }
                    }
                    default -> {
                    }
                }
            }
            if (b.terminator() instanceof Terminator.Return r && r.value() != null && r.value().type().isArray()) {
                changed |= returned.computeIfAbsent(f, k -> new HashSet<>()).addAll(originsOf(r.value()));
            }
        }
        return changed;
    }
}
