package org.carebridge.gateway.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's trend: a suppressed count, a zero and a month with no data yet are three different things, by area name. */
class MonthlyTrendTest {

    private static final YearMonth JANUARY = YearMonth.of(2026, 1);
    private static final YearMonth FEBRUARY = YearMonth.of(2026, 2);
    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final String NORFOLK = "E10000020";
    private static final String SUFFOLK = "E10000029";

    @Test
    void suppressedZeroAndNoDataNeverLookAlike() {
        List<MonitoringFact> facts = new ArrayList<>();
        facts.add(fact(JANUARY, NORFOLK, "home-n"));
        for (int i = 0; i < 12; i++) {
            facts.add(fact(MARCH, NORFOLK, "home-n"));
        }
        for (int i = 0; i < 7; i++) {
            facts.add(fact(MARCH, SUFFOLK, "home-s"));
        }
        List<MonthlyReport> reports = List.of(JANUARY, FEBRUARY, MARCH).stream()
                .map(m -> MonthlyReport.compute(m, facts, 5, Instant.now())).toList();
        Map<String, String> names = Map.of(NORFOLK, "Norfolk", SUFFOLK, "Suffolk");

        MonthlyTrend trend = MonthlyTrend.of(reports, code -> names.get(code) + " (" + code + ")");

        assertThat(trend.areas()).extracting(MonthlyTrend.Area::name).containsExactly("Norfolk (E10000020)", "Suffolk (E10000029)");
        assertThat(trend.areas().get(0).points()).extracting(MonthlyTrend.Point::text).containsExactly("suppressed", "no data yet", "12");
        assertThat(trend.areas().get(1).points()).extracting(MonthlyTrend.Point::text).containsExactly("0", "no data yet", "7");
        assertThat(trend.areas().get(0).points().get(0).state()).isEqualTo(MonthlyTrend.State.SUPPRESSED);
        assertThat(trend.areas().get(1).points().get(0).state()).isEqualTo(MonthlyTrend.State.PUBLISHED);
        assertThat(trend.areas().get(1).points().get(1).state()).isEqualTo(MonthlyTrend.State.NO_DATA);

        String svg = trend.svg("Police contacts");
        assertThat(svg).contains("<title>Norfolk (E10000020) 2026-01: suppressed</title>", "<title>Suffolk (E10000029) 2026-01: 0</title>",
                "<title>Norfolk (E10000020) 2026-03: 12</title>", "no data yet", ">suppressed</text>");
        // nothing for February's marks, and nothing a content security policy without inline script or style would block
        assertThat(svg).doesNotContain("2026-02: ", "<script", "style=", "<style");
        // a suppressed count sits in its own lane, below the zero line where Suffolk's January zero is drawn
        assertThat(cy(svg, "Norfolk (E10000020) 2026-01: suppressed")).isGreaterThan(cy(svg, "Suffolk (E10000029) 2026-01: 0"));
    }

    private static double cy(String svg, String title) {
        int at = svg.indexOf("<title>" + title + "</title>");
        int start = svg.lastIndexOf("cy=\"", at) + 4;
        return Double.parseDouble(svg.substring(start, svg.indexOf('"', start)));
    }

    private static MonitoringFact fact(YearMonth month, String area, String home) {
        return new MonitoringFact(month, Measure.CUSTODY_NOTIFICATION, area, "E10000029", home, "14-15", "female", "white");
    }
}
