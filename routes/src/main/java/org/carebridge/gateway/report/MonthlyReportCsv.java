package org.carebridge.gateway.report;

import java.util.List;

/**
 * The monthly report as CSV (RFC 4180), one count per line: month, breakdown, stratum, measure, count, status. The
 * month's totals come first (breakdown and stratum {@code all}); a stratum's total over a family of measures has the
 * family's code as its measure. A suppressed count is empty with status {@code suppressed}; the file never says
 * whether a count was suppressed for being small or to protect another.
 */
public final class MonthlyReportCsv {

    public static final String HEADER = "month,breakdown,stratum,measure,count,status";

    private MonthlyReportCsv() {
    }

    public static String of(MonthlyReport report) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (Measure.Family family : Measure.Family.values()) {
            MonthlyReport.Table any = report.table(family, Dimension.AREA);
            for (int column = 0; column <= any.totalColumn(); column++) {
                line(csv, report, "all", "all", code(any, column), any.cells().published(any.totalRow(), column));
            }
        }
        for (Dimension dimension : Dimension.values()) {
            for (Measure.Family family : Measure.Family.values()) {
                MonthlyReport.Table table = report.table(family, dimension);
                for (int row = 0; row < table.strata().size(); row++) {
                    for (int column = 0; column <= table.totalColumn(); column++) {
                        line(csv, report, dimension.code(), table.strata().get(row), code(table, column), table.cells().published(row, column));
                    }
                }
            }
        }
        return csv.toString();
    }

    private static String code(MonthlyReport.Table table, int column) {
        List<Measure> measures = table.measures();
        return column == measures.size() ? table.family().code() : measures.get(column).code();
    }

    private static void line(StringBuilder csv, MonthlyReport report, String breakdown, String stratum, String measure, Long count) {
        csv.append(report.month()).append(',').append(cell(breakdown)).append(',').append(cell(stratum)).append(',')
                .append(cell(measure)).append(',').append(count == null ? "" : count).append(',')
                .append(count == null ? "suppressed" : "published").append("\r\n");
    }

    /** Strata are codes, but quote and guard them anyway (no spreadsheet formulae). */
    static String cell(String text) {
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
