package org.carebridge.gateway.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A page a board member can read at a glance: police contacts of children in care per area, month by month, as one
 * line per area in an inline SVG drawn here, with the same numbers in a table beneath. Nothing is fetched from
 * anywhere. A suppressed month breaks the line and shows as a hollow mark on the axis, never as a number.
 */
public final class AreaTrendChart {

    /** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
    private static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 360;
    private static final int LEFT = 56;
    private static final int RIGHT = 180;
    private static final int TOP = 24;
    private static final int BOTTOM = 48;

    private AreaTrendChart() {
    }

    public static String page(List<MonthlyReport> months) {
        Set<String> areas = new LinkedHashSet<>();
        for (MonthlyReport month : months) {
            areas.addAll(month.table(Measure.Family.CONTACTS, Dimension.AREA).strata());
        }
        List<String> areaList = new ArrayList<>(areas);
        Long[][] series = new Long[areaList.size()][months.size()];
        long max = 0;
        for (int a = 0; a < areaList.size(); a++) {
            for (int m = 0; m < months.size(); m++) {
                MonthlyReport.Table table = months.get(m).table(Measure.Family.CONTACTS, Dimension.AREA);
                int row = table.row(areaList.get(a));
                series[a][m] = row < 0 ? Long.valueOf(0) : table.cells().published(row, table.totalColumn());
                if (series[a][m] != null) {
                    max = Math.max(max, series[a][m]);
                }
            }
        }
        String title = "Police contacts of children in care, by area"
                + (months.isEmpty() ? "" : ", " + months.get(0).month() + " to " + months.get(months.size() - 1).month());
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}th:first-child,td:first-child{text-align:left}</style>")
                .append("</head><body>\n<h1>").append(escape(title)).append("</h1>\n")
                .append("<p>Custody notifications and missing episodes reported through CareBridge, per local authority area the child is placed in. ")
                .append("Counts from 1 to ").append(months.isEmpty() ? 4 : months.get(0).threshold() - 1)
                .append(" are suppressed, and so is any count that would let one be worked out; a suppressed month shows as a hollow mark and breaks the line.</p>\n");
        svg(html, title, areaList, months, series, max);
        html.append("<table><caption>The numbers in the chart</caption><tr><th>Area</th>");
        months.forEach(m -> html.append("<th>").append(m.month()).append("</th>"));
        html.append("</tr>\n");
        for (int a = 0; a < areaList.size(); a++) {
            html.append("<tr><td>").append(escape(areaList.get(a))).append("</td>");
            for (int m = 0; m < months.size(); m++) {
                html.append("<td>").append(series[a][m] == null ? "suppressed" : series[a][m]).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n</body></html>\n");
        return html.toString();
    }

    private static void svg(StringBuilder out, String title, List<String> areas, List<MonthlyReport> months, Long[][] series, long max) {
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        long top = Math.max(5, niceCeiling(max));
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-label=\"")
                .append(escape(title)).append("\">\n<title>").append(escape(title)).append("</title>\n");
        for (int i = 0; i <= 5; i++) {
            long value = top * i / 5;
            double y = TOP + plotHeight - (double) plotHeight * value / top;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", LEFT, y, LEFT + plotWidth, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%d</text>%n", LEFT - 6, y + 4, value));
        }
        for (int m = 0; m < months.size(); m++) {
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    x(m, months.size(), plotWidth), TOP + plotHeight + 18, months.get(m).month()));
        }
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight));
        for (int a = 0; a < areas.size(); a++) {
            String colour = COLOURS[a % COLOURS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int m = 0; m < months.size(); m++) {
                double x = x(m, months.size(), plotWidth);
                if (series[a][m] == null) {
                    pen = false;
                    out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"white\" stroke=\"%s\"><title>%s %s: suppressed</title></circle>%n",
                            x, TOP + plotHeight, colour, escape(areas.get(a)), months.get(m).month()));
                    continue;
                }
                double y = TOP + plotHeight - (double) plotHeight * series[a][m] / top;
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                pen = true;
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %d</title></circle>%n",
                        x, y, colour, escape(areas.get(a)), months.get(m).month(), series[a][m]));
            }
            if (!path.isEmpty()) {
                out.append("<path d=\"").append(path.toString().strip()).append("\" fill=\"none\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"2\"/>\n");
            }
            int legendY = TOP + 14 + a * 18;
            out.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", WIDTH - RIGHT + 16, legendY - 10, colour))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", WIDTH - RIGHT + 34, legendY, escape(areas.get(a))));
        }
        out.append("</svg>\n");
    }

    private static double x(int index, int count, int plotWidth) {
        return LEFT + (count <= 1 ? plotWidth / 2.0 : (double) plotWidth * index / (count - 1));
    }

    private static long niceCeiling(long max) {
        long step = 5;
        while (step * 10 < max) {
            step *= 10;
        }
        return (max + step - 1) / step * step;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
