package org.carebridge.gateway.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread between two snapshots, summed over threads whose names differ only by numbers. The thread that
 * made it can be given a name of its own (a benchmark's caller doing real work, such as reading a file).
 */
public final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> start = snapshot();
    private final int demoPort;
    private final long caller = Thread.currentThread().getId();
    private final String callerGroup;

    public ThreadCpu(int demoPort) {
        this(demoPort, null);
    }

    /** @param callerGroup the group the calling thread is counted in, or null to group it by its name */
    public ThreadCpu(int demoPort, String callerGroup) {
        this.demoPort = demoPort;
        this.callerGroup = callerGroup;
    }

    private static Map<Long, Long> snapshot() {
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
    public Map<String, Long> byGroup() {
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
            String group = callerGroup != null && thread.getThreadId() == caller ? callerGroup : group(thread.getThreadName());
            groups.merge(group, spent, Long::sum);
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
