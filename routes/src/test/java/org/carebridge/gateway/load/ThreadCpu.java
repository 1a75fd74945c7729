package org.carebridge.gateway.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** CPU time per thread between two snapshots, summed over threads whose names differ only by numbers. */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> start = snapshot();
    private final int demoPort;

    ThreadCpu(int demoPort) {
        this.demoPort = demoPort;
    }

    private Map<Long, Long> snapshot() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /** Nanoseconds of CPU per thread group since this was made; threads that ended in between are not counted. */
    Map<String, Long> byGroup() {
        Map<String, Long> groups = new TreeMap<>();
        for (var thread : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (thread == null) {
                continue;
            }
            long now = THREADS.getThreadCpuTime(thread.getThreadId());
            if (now < 0) {
                continue;
            }
            long spent = now - start.getOrDefault(thread.getThreadId(), 0L);
            groups.merge(group(thread.getThreadName()), spent, Long::sum);
        }
        return groups;
    }

    String group(String name) {
        if (name.startsWith("https-jsse-nio") || name.startsWith("http-nio")) {
            return (name.contains("-" + demoPort + "-") ? "demo partners" : "intake") + " (web server threads)";
        }
        if (name.contains("JmsConsumer")) {
            return "delivery (partner queue consumers)";
        }
        if (name.startsWith("HttpClient")) {
            return "delivery (HTTP client)";
        }
        return name.replaceAll("\\d+", "#");
    }

    static { THREADS.setThreadCpuTimeEnabled(true); }
}
