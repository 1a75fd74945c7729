package org.carebridge.gateway.report;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Police contacts per area, month by month, for the console's chart and its table: areas by name, and three states
 * that must never look alike. A published count (zero included) is a filled mark on the line; a suppressed count is a
 * hollow mark in its own lane under the axis, breaking the line; a month with no monitoring data yet is a shaded
 * column with no marks at all.
 */
public record MonthlyTrend(List<YearMonth> months, List<Area> areas, long max, int threshold) {

    public enum State { PUBLISHED, SUPPRESSED, NO_DATA }

    public record Point(YearMonth month, State state, Long count) {
        public String text() {
            return switch (state) {
                case PUBLISHED -> String.valueOf(count);
                case SUPPRESSED -> "suppressed";
                case NO_DATA -> "no data yet";
            };
        }
    }

    public record Area(String code, String name, List<Point> points) {
    }

    /** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
    private static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"};
    private static final String[] DASHES = {"", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3"};
    private static final int WIDTH = 880;
    private static final int HEIGHT = 400;
    private static final int LEFT = 90;
    private static final int RIGHT = 230;
    private static final int TOP = 20;
    private static final int BOTTOM = 84;
    private static final int LANE = 28;

    public static MonthlyTrend of(List<MonthlyReport> reports, Function<String, String> areaName) {
        Set<String> codes = new LinkedHashSet<>();
        for (MonthlyReport month : reports) {
            codes.addAll(month.table(Measure.Family.CONTACTS, Dimension.AREA).strata());
        }
        List<Area> areas = new ArrayList<>();
        long max = 0;
        for (String code : codes) {
            List<Point> points = new ArrayList<>();
            for (MonthlyReport month : reports) {
                if (month.facts() == 0) {
                    points.add(new Point(month.month(), State.NO_DATA, null));
                    continue;
                }
                MonthlyReport.Table table = month.table(Measure.Family.CONTACTS, Dimension.AREA);
                int row = table.row(code);
                Long count = row < 0 ? Long.valueOf(0) : table.cells().published(row, table.totalColumn());
                points.add(count == null ? new Point(month.month(), State.SUPPRESSED, null) : new Point(month.month(), State.PUBLISHED, count));
                if (count != null) {
                    max = Math.max(max, count);
                }
            }
            areas.add(new Area(code, areaName.apply(code), points));
        }
        areas.sort(Comparator.comparing(Area::name));
        return new MonthlyTrend(reports.stream().map(MonthlyReport::month).toList(), areas, max,
                reports.isEmpty() ? 5 : reports.get(0).threshold());
    }

    public boolean anyData() {
        return areas.stream().flatMap(a -> a.points().stream()).anyMatch(p -> p.state() != State.NO_DATA);
    }

    /** An inline SVG (no script, no style element) titled for screen readers; the table beside it holds the numbers. */
    public String svg(String title) {
        StringBuilder out = new StringBuilder();
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int axisY = TOP + plotHeight;
        int laneY = axisY + LANE + 8;
        long top = Math.max(5, niceCeiling(max));
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"console-chart\" width=\"").append(WIDTH).append("\" height=\"")
                .append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"chart-title chart-desc\">\n<title id=\"chart-title\">").append(escape(title))
                .append("</title>\n<desc id=\"chart-desc\">One line per area. Filled marks are published counts, zero included. ")
                .append("Hollow marks in the lane below the axis are suppressed counts. Shaded months have no data yet. ")
                .append("The same numbers are in the table below the chart.</desc>\n");
        double step = months.size() <= 1 ? plotWidth : (double) plotWidth / (months.size() - 1);
        // runs of months with no data yet: one shaded band and one label each
        for (int m = 0; m < months.size(); m++) {
            if (!noData(m)) {
                continue;
            }
            int first = m;
            while (m + 1 < months.size() && noData(m + 1)) {
                m++;
            }
            double half = months.size() <= 1 ? plotWidth / 2.0 : step / 2;
            double left = Math.max(LEFT, x(first, plotWidth) - half);
            double right = Math.min(LEFT + plotWidth, x(m, plotWidth) + half);
            out.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f3f2f1\"/>",
                            left, TOP, right - left, plotHeight))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#505a5f\" text-anchor=\"middle\">no data yet</text>%n",
                            (left + right) / 2, TOP + 16));
        }
        for (int i = 0; i <= 5; i++) {
            long value = top * i / 5;
            double y = axisY - (double) plotHeight * value / top;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#b1b4b6\"/>", LEFT, y, LEFT + plotWidth, y))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" fill=\"#0b0c0c\" text-anchor=\"end\">%d</text>%n", LEFT - 6, y + 4, value));
        }
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#0b0c0c\" stroke-width=\"2\"/>%n",
                LEFT, axisY, LEFT + plotWidth, axisY));
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#b1b4b6\" stroke-dasharray=\"3 3\"/>%n",
                LEFT, laneY, LEFT + plotWidth, laneY))
                .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#0b0c0c\" text-anchor=\"end\">suppressed</text>%n",
                        LEFT - 6, laneY + 4));
        for (int m = 0; m < months.size(); m++) {
            out.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#0b0c0c\" text-anchor=\"middle\">%s</text>%n",
                    x(m, plotWidth), laneY + 26, months.get(m)));
        }
        for (int a = 0; a < areas.size(); a++) {
            Area area = areas.get(a);
            String colour = COLOURS[a % COLOURS.length];
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            for (int m = 0; m < months.size(); m++) {
                Point point = area.points().get(m);
                double x = x(m, plotWidth);
                if (point.state() != State.PUBLISHED) {
                    pen = false;
                    if (point.state() == State.SUPPRESSED) {
                        out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"><title>%s %s: suppressed</title></circle>%n",
                                x + (a - (areas.size() - 1) / 2.0) * 12, laneY, colour, escape(area.name()), months.get(m)));
                    }
                    continue;
                }
                double y = axisY - (double) plotHeight * point.count() / top;
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
                pen = true;
                out.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s %s: %d</title></circle>%n",
                        x, y, colour, escape(area.name()), months.get(m), point.count()));
            }
            if (!path.isEmpty()) {
                out.append("<path d=\"").append(path.toString().strip()).append("\" fill=\"none\" stroke=\"").append(colour)
                        .append("\" stroke-width=\"2\"").append(DASHES[a % DASHES.length].isEmpty() ? "" : " stroke-dasharray=\"" + DASHES[a % DASHES.length] + "\"")
                        .append("/>\n");
            }
            int legendY = TOP + 14 + a * 20;
            out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
                            WIDTH - RIGHT + 16, legendY - 4, WIDTH - RIGHT + 40, legendY - 4, colour,
                            DASHES[a % DASHES.length].isEmpty() ? "" : " stroke-dasharray=\"" + DASHES[a % DASHES.length] + "\""))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\" fill=\"#0b0c0c\">%s</text>%n", WIDTH - RIGHT + 46, legendY, escape(area.name())));
        }
        out.append("</svg>\n");
        return out.toString();
    }

    private boolean noData(int month) {
        return areas.isEmpty() || areas.stream().allMatch(a -> a.points().get(month).state() == State.NO_DATA);
    }

    private double x(int index, int plotWidth) {
        return LEFT + (months.size() <= 1 ? plotWidth / 2.0 : (double) plotWidth * index / (months.size() - 1));
    }

    private static long niceCeiling(long max) {
        long step = 5;
        while (step * 10 < max) {
            step *= 10;
        }
        return (max + step - 1) / step * step;
    }

    private static String escape(String text) {
        return AreaTrendChart.escape(text);
    }
}
