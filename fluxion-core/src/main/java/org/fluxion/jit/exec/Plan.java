package org.fluxion.jit.exec;

import java.util.IdentityHashMap;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.IntoBuffer;
import org.fluxion.ops.IntoBuffers;
import org.fluxion.ops.MultiOutput;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.StorageTypes;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A compiled graph ready to run: every value has a slot in a frame, each step calls its primitive's
 * kernel directly (the shapes were checked once, when tracing), and each intermediate is dropped right
 * after its last use so that its memory can be reused. Fused kernels and GEMMs write into buffers that the plan
 * recycles from call to call: one set per concurrent call, owned by the plan ({@link Pool}), so that they are
 * freed with it. A plan is safe to run from several threads at once, and reentrantly.
 */
public final class Plan {
    private final int frameSize;
    private final int[] inputSlots;
    private final int[] outputSlots;
    private final Tensor[] constants;
    private final Step[] steps;

    /**
     * One equation: its primitive, the frame slots it reads, the slot it writes, the slots it frees after,
     * and the recycled buffer it writes into ({@code -1}: a fresh allocation). A primitive of several
     * outputs ({@link MultiOutput}) writes the slots {@code outs} instead, of the types {@code types}. {@code result}:
     * the index of the graph output a single-output {@link IntoBuffer} step computes (its first occurrence), else -1.
     */
    private record Step(Primitive primitive, TensorType type, int[] in, int out, int[] release, int buffer,
                        TensorType[] types, int[] outs, int[] donors, int[] buffers, int result) {
    }

    /** Sets of buffers for recycled intermediates, one per concurrent call (plans may run concurrently). */
    private final Pool<Storage[]> buffers;

    public Plan(Graph g) {
        this(g, new boolean[g.inputs().size()]);
    }

    /**
     * A plan that writes results into the storages of the arguments flagged in {@code donated} once they are no
     * longer read ({@link Liveness#assignDonors}); {@link #run(Tensor[], Storage[], long[])} says at each call
     * which storages it may use.
     */
    public Plan(Graph g, boolean[] donated) {
        Map<Value, Integer> slots = new IdentityHashMap<>();
        for (Value v : g.inputs()) {
            slots.put(v, slots.size());
        }
        for (Equation e : g.equations()) {
            for (Value v : e.inputs()) {
                if (v.isConstant() && !slots.containsKey(v)) {
                    slots.put(v, slots.size());
                }
            }
            for (Value v : e.outputs()) {
                slots.put(v, slots.size());
            }
        }
        for (Value v : g.outputs()) {
            if (v.isConstant() && !slots.containsKey(v)) {
                slots.put(v, slots.size());
            }
        }
        frameSize = slots.size();
        constants = new Tensor[frameSize];
        for (var entry : slots.entrySet()) {
            if (entry.getKey().isConstant()) {
                constants[entry.getValue()] = entry.getKey().constant();
            }
        }
        inputSlots = g.inputs().stream().mapToInt(slots::get).toArray();
        outputSlots = g.outputs().stream().mapToInt(slots::get).toArray();
        Map<Value, Integer> lastUse = Liveness.lastUses(g);
        int[][] bufferOf = Liveness.assignBuffers(g, lastUse);
        int[][] donorsOf = Liveness.assignDonors(g, lastUse, donated);
        int bufferCount = java.util.Arrays.stream(bufferOf).flatMapToInt(java.util.Arrays::stream).max().orElse(-1) + 1;
        Map<Value, Integer> resultIndex = new IdentityHashMap<>();
        for (int k = g.outputs().size() - 1; k >= 0; k--) {
            resultIndex.put(g.outputs().get(k), k);
        }
        buffers = new Pool<>(() -> new Storage[bufferCount]);
        steps = new Step[g.equations().size()];
        for (int i = 0; i < steps.length; i++) {
            Equation e = g.equations().get(i);
            int[] in = new int[e.inputs().length];
            for (int k = 0; k < in.length; k++) {
                in[k] = slots.get(e.inputs()[k]);
            }
            final int step = i;
            int[] release = java.util.Arrays.stream(e.inputs()).distinct()
                    .filter(v -> !v.isConstant() && lastUse.getOrDefault(v, -1) == step)
                    .mapToInt(slots::get).toArray();
            if (e.primitive() instanceof MultiOutput) {
                TensorType[] types = java.util.Arrays.stream(e.outputs()).map(Value::type).toArray(TensorType[]::new);
                int[] outs = java.util.Arrays.stream(e.outputs()).mapToInt(slots::get).toArray();
                // Outputs nothing reads (top-k's indices when only the values are used) are dropped at once.
                int[] unused = java.util.Arrays.stream(e.outputs()).filter(v -> !lastUse.containsKey(v))
                        .mapToInt(slots::get).toArray();
                int[] all = java.util.Arrays.copyOf(release, release.length + unused.length);
                System.arraycopy(unused, 0, all, release.length, unused.length);
                steps[i] = new Step(e.primitive(), null, in, -1, all, -1, types, outs, donorsOf[i], bufferOf[i], -1);
            } else {
                int result = e.primitive() instanceof IntoBuffer ? resultIndex.getOrDefault(e.output(), -1) : -1;
                steps[i] = new Step(e.primitive(), e.output().type(), in, slots.get(e.output()), release, bufferOf[i][0],
                        null, null, donorsOf[i], null, result);
            }
        }
    }

    /** The call's recycled buffer for a step, allocated on first use. */
    private static Storage buffer(Storage[] mine, Step s) {
        Storage b = mine[s.buffer];
        if (b == null) {
            b = Storage.allocate(s.type.dtype(), s.type.shape().size());
            mine[s.buffer] = b;
        }
        return b;
    }

    public int size() {
        return steps.length;
    }

    /** Runs the plan on concrete tensors of the signature it was compiled for. */
    public Tensor[] run(Tensor[] args) {
        return run(args, null);
    }

    /** As {@link #run(Tensor[])}, adding each step's time in nanoseconds to {@code nanos} when not null. */
    public Tensor[] run(Tensor[] args, long[] nanos) {
        return run(args, null, nanos);
    }

    /**
     * As {@link #run(Tensor[], long[])}, writing results into {@code donors[k]} (the storage of argument k, which
     * the caller gives up: its values are overwritten) where this plan was built to; a null entry, or a null
     * array, donates nothing. A donor must be the whole storage of its argument and of no other argument.
     */
    public Tensor[] run(Tensor[] args, Storage[] donors, long[] nanos) {
        return run(args, donors, null, nanos);
    }

    /**
     * As {@link #run(Tensor[], Storage[], long[])}, writing result k into {@code into[k]} (a storage of its dtype
     * and size, which the caller gives up to it; never an argument's) where the step computing it writes into
     * buffers; a null entry, or a null array, changes nothing. The caller reuses storages of results it is done
     * with instead of the plan allocating new ones (PyTorch's {@code out=}).
     */
    public Tensor[] run(Tensor[] args, Storage[] donors, Storage[] into, long[] nanos) {
        Storage[] mine = buffers.take();
        try {
            return run(args, nanos, mine, donors, into);
        } finally {
            buffers.give(mine); // no buffer leaves the call: results and values that views may keep have none
        }
    }

    private Tensor[] run(Tensor[] args, long[] nanos, Storage[] mine, Storage[] donors, Storage[] into) {
        Tensor[] frame = constants.clone();
        for (int i = 0; i < inputSlots.length; i++) {
            frame[inputSlots[i]] = args[i];
        }
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            long t0 = nanos == null ? 0 : System.nanoTime();
            Tensor[] in = new Tensor[s.in.length];
            for (int k = 0; k < in.length; k++) {
                in[k] = frame[s.in[k]];
            }
            if (s.outs != null) {
                Storage[] buffers = into(s, donors, mine);
                Tensor[] results = buffers != null ? ((IntoBuffers) s.primitive).computeInto(buffers, in)
                        : StorageTypes.computeAll(s.primitive, s.types, in);
                for (int k = 0; k < results.length; k++) {
                    frame[s.outs[k]] = results[k];
                }
            } else if (into != null && s.result >= 0 && into[s.result] != null) {
                frame[s.out] = ((IntoBuffer) s.primitive).computeInto(into[s.result], in);
            } else if (donors != null && s.donors[0] >= 0 && donors[s.donors[0]] != null) {
                frame[s.out] = ((IntoBuffer) s.primitive).computeInto(donors[s.donors[0]], in);
            } else {
                frame[s.out] = s.buffer < 0 ? StorageTypes.compute(s.primitive, s.type, in) : ((IntoBuffer) s.primitive).computeInto(buffer(mine, s), in);
            }
            for (int r : s.release) {
                frame[r] = null;
            }
            if (nanos != null) {
                nanos[i] += System.nanoTime() - t0;
            }
        }
        Tensor[] out = new Tensor[outputSlots.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = frame[outputSlots[i]];
        }
        return out;
    }

    /**
     * The storages a step of several outputs writes into (a donated storage, else a recycled buffer, else null:
     * it allocates), or null when it gets none.
     */
    private static Storage[] into(Step s, Storage[] donors, Storage[] mine) {
        Storage[] into = null;
        for (int k = 0; k < s.donors.length; k++) {
            Storage b = null;
            if (donors != null && s.donors[k] >= 0) {
                b = donors[s.donors[k]];
            }
            if (b == null && s.buffers[k] >= 0) {
                b = mine[s.buffers[k]];
                if (b == null) {
                    b = Storage.allocate(s.types[k].dtype(), s.types[k].shape().size());
                    mine[s.buffers[k]] = b;
                }
            }
            if (b != null) {
                if (into == null) {
                    into = new Storage[s.donors.length];
                }
                into[k] = b;
            }
        }
        return into;
    }

    /** The idle buffer sets, for tests. */
    public java.util.List<Storage[]> idleBuffers() {
        return buffers.idle();
    }
}
