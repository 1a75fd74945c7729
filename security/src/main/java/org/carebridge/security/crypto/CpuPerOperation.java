package org.carebridge.security.crypto;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;

/** This thread's CPU time per operation, as the sealing benchmark and the load harness measure their floors. */
public final class CpuPerOperation {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    private CpuPerOperation() {
    }

    /** The median of {@code rounds} time-boxed rounds, after a warm-up, in CPU microseconds per operation. */
    public static double median(Operation operation, Duration warmup, Duration round, int rounds) throws Exception {
        over(operation, warmup);
        double[] each = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            each[i] = over(operation, round);
        }
        Arrays.sort(each);
        return each[rounds / 2];
    }

    /** CPU microseconds of this thread per operation, over a run of {@code length}. */
    public static double over(Operation operation, Duration length) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        long start = THREADS.getCurrentThreadCpuTime();
        long count = 0;
        while (System.nanoTime() < end) {
            operation.run();
            count++;
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1000.0 / count;
    }
}
