package org.fluxion.bench;

import java.util.Locale;

/**
 * The machine-readable result line of one benchmark configuration, as in {@code shared/BENCHMARKS.md}:
 * {@code BENCH name=gemm config=n512-t1 fluxion=92.1GFLOP/s reference=124.3GFLOP/s speedup=0.74}.
 *
 * <p>{@code speedup > 1} means Fluxion is better.
 */
public final class BenchLine {
    private BenchLine() {
    }

    /** A line for a throughput (higher is better): speedup = fluxion / reference. */
    public static String throughput(String name, String config, double fluxion, double reference, String unit) {
        return String.format(Locale.ROOT, "BENCH name=%s config=%s fluxion=%.2f%s reference=%.2f%s speedup=%.2f",
                name, config, fluxion, unit, reference, unit, fluxion / reference);
    }

    /** A line for a time (lower is better): speedup = reference / fluxion. */
    public static String time(String name, String config, double fluxionSeconds, double referenceSeconds) {
        return String.format(Locale.ROOT, "BENCH name=%s config=%s fluxion=%s reference=%s speedup=%.2f",
                name, config, seconds(fluxionSeconds), seconds(referenceSeconds), referenceSeconds / fluxionSeconds);
    }

    /** A line for when the reference cannot run here; {@code howToInstall} says what would enable it. */
    public static String unavailable(String name, String config, String fluxion, String howToInstall) {
        return "BENCH name=" + name + " config=" + config + " fluxion=" + fluxion
                + " reference=unavailable (" + howToInstall + ")";
    }

    /**
     * The configurations named in the comma-separated system property {@code fluxion.bench.configs}; empty when
     * it is not set.
     */
    public static java.util.List<String> namedConfigs() {
        String only = System.getProperty("fluxion.bench.configs", "");
        return only.isBlank() ? java.util.List.of() : java.util.Arrays.asList(only.split(","));
    }

    /** Whether to run {@code config}: every configuration when none is named, else the named ones. */
    public static boolean selected(String config) {
        java.util.List<String> named = namedConfigs();
        return named.isEmpty() || named.contains(config);
    }

    /** Seconds with a unit suited to their magnitude: 3.91s, 12.5ms, 0.84us. */
    public static String seconds(double s) {
        if (s >= 1) {
            return String.format(Locale.ROOT, "%.3fs", s);
        } else if (s >= 1e-3) {
            return String.format(Locale.ROOT, "%.3fms", s * 1e3);
        } else if (s >= 1e-6) {
            return String.format(Locale.ROOT, "%.3fus", s * 1e6);
        }
        return String.format(Locale.ROOT, "%.1fns", s * 1e9);
    }
}
