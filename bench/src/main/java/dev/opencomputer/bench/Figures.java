package dev.opencomputer.bench;

import java.util.Locale;

/**
 * The machine-readable result lines that {@code bench/all.sh} collects into its summary table:
 * {@code FIGURE<TAB>name<TAB>ours<TAB>baseline<TAB>value<TAB>target}, where {@code value} is the
 * number compared with {@code target} ({@code <=1.3}, {@code >=2.5}, {@code <30}, or {@code -} for
 * a figure without a target). A value that is not a finite, non-negative number is not printed: the
 * benchmark fails instead, so that a broken measurement never reaches the table as a figure.
 */
final class Figures {

    private Figures() {
    }

    static void print(String name, String ours, String baseline, double value, String target) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalStateException("BENCHMARK FAILED: " + name + " came to " + value
                    + " (ours " + ours + ", baseline " + baseline + "), which is not a measurement");
        }
        System.out.printf(Locale.ROOT, "FIGURE\t%s\t%s\t%s\t%.2f\t%s%n", name, ours, baseline, value, target);
    }
}
