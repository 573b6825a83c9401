package org.rnnzoo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What every benchmark of the zoo reads off the process and its timings. */
final class Measurements {
    private Measurements() {}

    /** CPU time of the whole process (every thread, native ones included), in ns; 0 where unknown. */
    static long cpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    static double median(double[] xs) {
        double[] c = xs.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** Peak resident set size of this process (VmHWM), in MiB; -1 where /proc is not available. */
    static double peakRssMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status")))
                if (l.startsWith("VmHWM:")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
        } catch (Exception ignored) {
            // not Linux
        }
        return -1;
    }
}
