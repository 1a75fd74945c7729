package org.carebridge.gateway.report;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One month's monitoring report: for each family of measures (police contacts, police outcomes) and each breakdown
 * (area, placing authority, children's home, age band, sex, ethnic group), a table of strata by measures with row
 * totals, column totals and grand total, small counts suppressed.
 *
 * <p>The tables of one family share their column totals and grand total (the same facts, broken down differently), so a
 * total suppressed in one of them is suppressed in all, and each is protected again until none changes. Then the
 * family's tables are checked together, with the link between a children's home and its area
 * ({@link LinkedTablesAudit}), and more is suppressed until no small count can be worked out from them all.
 */
public record MonthlyReport(YearMonth month, int threshold, Instant generatedAt, long facts,
                            Map<Measure.Family, Map<Dimension, Table>> tables) {

    /** One breakdown of one family of measures. Column {@code measures.size()} of the table is the row total. */
    public record Table(Measure.Family family, Dimension dimension, List<String> strata, List<Measure> measures, ProtectedTable cells) {

        /** The row of a stratum, or -1. */
        public int row(String stratum) {
            return strata.indexOf(stratum);
        }

        public int column(Measure measure) {
            return measures.indexOf(measure);
        }

        public int totalColumn() {
            return measures.size();
        }

        public int totalRow() {
            return strata.size();
        }
    }

    public Table table(Measure.Family family, Dimension dimension) {
        return tables.get(family).get(dimension);
    }

    public static MonthlyReport compute(YearMonth month, List<MonitoringFact> facts, int threshold, Instant generatedAt) {
        SmallCountSuppression suppression = new SmallCountSuppression(threshold);
        List<MonitoringFact> ofMonth = facts.stream().filter(f -> f.month().equals(month)).toList();
        Map<Measure.Family, Map<Dimension, Table>> tables = new EnumMap<>(Measure.Family.class);
        Map<String, Set<String>> areasOfHome = new HashMap<>();
        ofMonth.forEach(f -> areasOfHome.computeIfAbsent(f.childrensHome(), home -> new TreeSet<>()).add(f.area()));
        for (Measure.Family family : Measure.Family.values()) {
            List<Measure> measures = family.measures();
            Map<Dimension, long[][]> counts = new LinkedHashMap<>();
            Map<Dimension, List<String>> strata = new LinkedHashMap<>();
            for (Dimension dimension : Dimension.values()) {
                List<String> rows = strata(dimension, ofMonth);
                long[][] table = new long[rows.size()][measures.size()];
                for (MonitoringFact fact : ofMonth) {
                    int column = measures.indexOf(fact.measure());
                    if (column >= 0) {
                        table[rows.indexOf(dimension.valueOf(fact))][column]++;
                    }
                }
                counts.put(dimension, table);
                strata.put(dimension, rows);
            }
            Set<Integer> suppressedTotals = new HashSet<>();
            boolean suppressedGrandTotal = false;
            Map<Dimension, Table> protectedTables;
            while (true) {
                protectedTables = new EnumMap<>(Dimension.class);
                Set<Integer> totals = new HashSet<>(suppressedTotals);
                boolean grand = suppressedGrandTotal;
                for (Dimension dimension : Dimension.values()) {
                    ProtectedTable cells = suppression.protect(measures.size(), counts.get(dimension), suppressedTotals, suppressedGrandTotal);
                    protectedTables.put(dimension, new Table(family, dimension, strata.get(dimension), measures, cells));
                    for (int c = 0; c < measures.size(); c++) {
                        if (cells.suppressed(cells.rows(), c)) {
                            totals.add(c);
                        }
                    }
                    grand |= cells.suppressed(cells.rows(), cells.columns());
                }
                if (totals.equals(suppressedTotals) && grand == suppressedGrandTotal) {
                    break;
                }
                suppressedTotals = totals;
                suppressedGrandTotal = grand;
            }
            new LinkedTablesAudit(protectedTables, areasOfHome).protect();
            tables.put(family, protectedTables);
        }
        return new MonthlyReport(month, threshold, generatedAt, ofMonth.size(), tables);
    }

    /** A fixed-category breakdown lists every category; others list what the month shows, codes in order, unknowns last. */
    private static List<String> strata(Dimension dimension, List<MonitoringFact> facts) {
        if (!dimension.categories().isEmpty()) {
            return dimension.categories();
        }
        Set<String> seen = new TreeSet<>(Comparator.comparing((String s) -> s.equals(MonitoringFact.UNKNOWN) || s.equals(MonitoringFact.NO_HOME))
                .thenComparing(Comparator.naturalOrder()));
        facts.forEach(f -> seen.add(dimension.valueOf(f)));
        return new ArrayList<>(seen);
    }
}
