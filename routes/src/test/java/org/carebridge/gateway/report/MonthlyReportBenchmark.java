package org.carebridge.gateway.report;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a month's report takes to compute (every breakdown, suppression and linked totals) as the number of
 * children's homes grows. Not part of the normal build:
 * {@code ./mvnw -pl routes -am -Pload verify -Dtest=MonthlyReportBenchmark}.
 */
@Tag("load")
class MonthlyReportBenchmark {

    @Test
    void computeAMonthForManyHomes() {
        YearMonth month = YearMonth.of(2026, 10);
        for (int homes : new int[]{50, 150, 300, 600}) {
            List<MonitoringFact> facts = facts(month, homes, homes * 20, new Random(homes));
            MonthlyReport.compute(month, facts, 5, Instant.now());
            int runs = 5;
            long start = System.nanoTime();
            MonthlyReport report = null;
            for (int i = 0; i < runs; i++) {
                report = MonthlyReport.compute(month, facts, 5, Instant.now());
            }
            double ms = (System.nanoTime() - start) / 1e6 / runs;
            System.out.printf(Locale.ROOT, "homes=%d facts=%d: %.1f ms per monthly report%n", homes, facts.size(), ms);
            assertThat(report.facts()).isEqualTo(facts.size());
        }
    }

    private static List<MonitoringFact> facts(YearMonth month, int homes, int count, Random random) {
        Measure[] measures = Measure.values();
        String[] areas = {"E10000020", "E10000029", "E10000012", "E06000031"};
        List<MonitoringFact> facts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int home = (int) Math.min(homes - 1, Math.abs(random.nextGaussian()) * homes / 3);
            facts.add(new MonitoringFact(month, measures[random.nextInt(measures.length)], areas[home % areas.length],
                    areas[random.nextInt(areas.length)], "HOME-" + home, AgeBands.ALL.get(random.nextInt(5)),
                    random.nextBoolean() ? "female" : "male", EthnicGroups.ALL.get(Math.min(5, (int) Math.abs(random.nextGaussian() * 2)))));
        }
        return facts;
    }
}
