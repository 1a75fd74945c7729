package org.carebridge.gateway.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The exact check over one family's tables taken together. Each table is protected on its own by cycle closing, but
 * tables are linked: all share the measure totals, and a children's home lies in one area, so an area's count is the
 * sum of its homes' counts. Here every suppressed count of every table is an unknown, and every row, column and link
 * is an equation; a count is derivable exactly when the unit vector on it lies in the row space of those equations
 * (Gauss-Jordan elimination modulo the prime 2^31 - 1). What must not be derivable is a small count (a primary
 * suppression): working out a large complementary count tells no one anything by itself. While a small count is
 * derivable, further counts are suppressed, cheapest first (the costs of the cycle closing): the first of the nearby
 * candidates (its row, its column, the area link, the same measure in other breakdowns) that stops the derivation, or
 * failing that the cheapest of them, and the check runs again.
 */
final class LinkedTablesAudit {

    private static final long P = 2_147_483_647L;

    /** A count in one table of the family: the totals row is shared by every table, so it is keyed without the table. */
    private record Cell(Dimension table, int row, int column) {
    }

    private final Map<Dimension, MonthlyReport.Table> tables;
    private final Map<String, Set<String>> areasOfHome;

    /** @param areasOfHome each children's home with the areas the month's facts place it in */
    LinkedTablesAudit(Map<Dimension, MonthlyReport.Table> tables, Map<String, Set<String>> areasOfHome) {
        this.tables = tables;
        this.areasOfHome = areasOfHome;
    }

    private static final int TRIALS = 24;

    /** Suppresses until no small count is derivable. @return how many counts it had to suppress */
    int protect() {
        int added = 0;
        Cell derivable;
        while ((derivable = firstDerivable(null)) != null) {
            List<Cell> candidates = candidates(derivable);
            if (candidates.isEmpty()) {
                throw new IllegalStateException("a derivable count has nothing left to suppress around it");
            }
            Cell chosen = candidates.get(0);
            for (Cell candidate : candidates.subList(0, Math.min(TRIALS, candidates.size()))) {
                List<Cell> marked = suppress(candidate);
                boolean stops = !derivable.equals(firstDerivable(derivable));
                marked.forEach(this::unsuppress);
                if (stops) {
                    chosen = candidate;
                    break;
                }
            }
            suppress(chosen);
            added++;
        }
        return added;
    }

    /** The first derivable small count, in breakdown order then row-major, or null; only {@code only} when given. */
    Cell firstDerivable(Cell only) {
        Map<Object, Integer> unknowns = new LinkedHashMap<>();
        List<Map<Object, Long>> equations = new ArrayList<>();
        for (Map<Object, Long> all : equations()) {
            Map<Object, Long> equation = new HashMap<>();
            all.forEach((term, coefficient) -> {
                Object variable = variable(term);
                if (variable != null) {
                    equation.merge(variable, coefficient, Long::sum);
                }
            });
            equation.values().removeIf(c -> c == 0);
            if (!equation.isEmpty()) {
                equation.keySet().forEach(v -> unknowns.putIfAbsent(v, unknowns.size()));
                equations.add(equation);
            }
        }
        int width = unknowns.size();
        List<long[]> rows = new ArrayList<>();
        for (Map<Object, Long> equation : equations) {
            long[] row = new long[width];
            equation.forEach((variable, coefficient) -> row[unknowns.get(variable)] = Math.floorMod(coefficient, P));
            rows.add(row);
        }
        int[] pivotRowOfColumn = reduce(rows, width);
        for (Dimension dimension : Dimension.values()) {
            MonthlyReport.Table table = tables.get(dimension);
            for (int r = 0; r <= table.totalRow(); r++) {
                for (int c = 0; c <= table.totalColumn(); c++) {
                    if (table.cells().state(r, c) != CellState.PRIMARY || (only != null && !only.equals(new Cell(dimension, r, c)))) {
                        continue;
                    }
                    Integer column = unknowns.get(key(dimension, r, c));
                    if (column == null) {
                        continue;
                    }
                    int pivotRow = pivotRowOfColumn[column];
                    if (pivotRow >= 0 && onlyEntry(rows.get(pivotRow), column)) {
                        return new Cell(dimension, r, c);
                    }
                }
            }
        }
        return null;
    }

    /** The unknown a term stands for: a suppressed count (a measure total is one unknown for all breakdowns), a part; else null. */
    private Object variable(Object term) {
        if (term instanceof Cell cell) {
            return tables.get(cell.table()).cells().suppressed(cell.row(), cell.column()) ? key(cell.table(), cell.row(), cell.column()) : null;
        }
        return term;
    }

    /** Every equation, with every count in it (published or not) and the unknown parts of homes in several areas. */
    private List<Map<Object, Long>> equations() {
        List<Map<Object, Long>> equations = new ArrayList<>();
        for (Dimension dimension : Dimension.values()) {
            MonthlyReport.Table table = tables.get(dimension);
            int rows = table.totalRow();
            int columns = table.totalColumn();
            for (int r = 0; r <= rows; r++) {
                Map<Object, Long> equation = new LinkedHashMap<>();
                for (int c = 0; c < columns; c++) {
                    equation.put(new Cell(dimension, r, c), 1L);
                }
                equation.put(new Cell(dimension, r, columns), -1L);
                equations.add(equation);
            }
            for (int c = 0; c <= columns; c++) {
                Map<Object, Long> equation = new LinkedHashMap<>();
                for (int r = 0; r < rows; r++) {
                    equation.put(new Cell(dimension, r, c), 1L);
                }
                equation.put(new Cell(dimension, rows, c), -1L);
                equations.add(equation);
            }
        }
        // An area's count is the sum over the homes in it; a home in several areas splits into unknown parts.
        MonthlyReport.Table areas = tables.get(Dimension.AREA);
        MonthlyReport.Table homes = tables.get(Dimension.CHILDRENS_HOME);
        for (int c = 0; c <= areas.totalColumn(); c++) {
            Map<String, Map<Object, Long>> byArea = new LinkedHashMap<>();
            for (int a = 0; a < areas.totalRow(); a++) {
                Map<Object, Long> equation = new LinkedHashMap<>();
                equation.put(new Cell(Dimension.AREA, a, c), 1L);
                byArea.put(areas.strata().get(a), equation);
            }
            for (int h = 0; h < homes.totalRow(); h++) {
                String home = homes.strata().get(h);
                Set<String> in = areasOfHome.getOrDefault(home, Set.of());
                if (in.size() == 1) {
                    Map<Object, Long> equation = byArea.get(in.iterator().next());
                    if (equation != null) {
                        equation.put(new Cell(Dimension.CHILDRENS_HOME, h, c), -1L);
                    }
                    continue;
                }
                Map<Object, Long> split = new LinkedHashMap<>();
                split.put(new Cell(Dimension.CHILDRENS_HOME, h, c), 1L);
                for (String area : in) {
                    Object part = List.of("part", home, area, c);
                    split.put(part, -1L);
                    Map<Object, Long> equation = byArea.get(area);
                    if (equation != null) {
                        equation.put(part, -1L);
                    }
                }
                equations.add(split);
            }
            equations.addAll(byArea.values());
        }
        return equations;
    }

    private Cell key(Dimension dimension, int row, int column) {
        return row == tables.get(dimension).totalRow() ? new Cell(null, -1, column) : new Cell(dimension, row, column);
    }

    /** Gauss-Jordan modulo P, in place. @return for each column the row holding its pivot, or -1 */
    private static int[] reduce(List<long[]> rows, int width) {
        int[] pivotRowOfColumn = new int[width];
        java.util.Arrays.fill(pivotRowOfColumn, -1);
        int rank = 0;
        for (int column = 0; column < width && rank < rows.size(); column++) {
            int pivot = -1;
            for (int r = rank; r < rows.size(); r++) {
                if (rows.get(r)[column] != 0) {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            long[] swap = rows.get(pivot);
            rows.set(pivot, rows.get(rank));
            rows.set(rank, swap);
            long[] pivotRow = rows.get(rank);
            long inverse = power(pivotRow[column], P - 2);
            for (int k = column; k < width; k++) {
                pivotRow[k] = pivotRow[k] * inverse % P;
            }
            for (int r = 0; r < rows.size(); r++) {
                long[] row = rows.get(r);
                if (r == rank || row[column] == 0) {
                    continue;
                }
                long factor = row[column];
                for (int k = column; k < width; k++) {
                    if (pivotRow[k] != 0) {
                        row[k] = Math.floorMod(row[k] - factor * pivotRow[k] % P, P);
                    }
                }
            }
            pivotRowOfColumn[column] = rank;
            rank++;
        }
        return pivotRowOfColumn;
    }

    private static boolean onlyEntry(long[] row, int column) {
        for (int k = 0; k < row.length; k++) {
            if (k != column && row[k] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long power(long base, long exponent) {
        long result = 1;
        base %= P;
        while (exponent > 0) {
            if ((exponent & 1) == 1) {
                result = result * base % P;
            }
            base = base * base % P;
            exponent >>= 1;
        }
        return result;
    }

    /**
     * Published counts near the derivable one, cheapest first: those in its equations and in the equations of the
     * unknowns it shares an equation with; failing those, every published count of the family.
     */
    private List<Cell> candidates(Cell derivable) {
        List<Map<Object, Long>> equations = equations();
        Set<Object> near = new LinkedHashSet<>();
        near.add(derivable);
        Set<Object> neighbours = new LinkedHashSet<>();
        for (Map<Object, Long> equation : equations) {
            if (equation.containsKey(derivable)) {
                equation.keySet().stream().filter(t -> variable(t) != null).forEach(neighbours::add);
            }
        }
        near.addAll(neighbours);
        List<Cell> published = new ArrayList<>();
        Set<Cell> seen = new LinkedHashSet<>();
        for (Map<Object, Long> equation : equations) {
            if (equation.keySet().stream().anyMatch(near::contains)) {
                equation.keySet().stream().filter(t -> t instanceof Cell && variable(t) == null).map(Cell.class::cast)
                        .filter(seen::add).forEach(published::add);
            }
        }
        if (published.isEmpty()) {
            for (Dimension dimension : Dimension.values()) {
                MonthlyReport.Table table = tables.get(dimension);
                for (int r = 0; r <= table.totalRow(); r++) {
                    for (int c = 0; c <= table.totalColumn(); c++) {
                        if (!table.cells().suppressed(r, c)) {
                            published.add(new Cell(dimension, r, c));
                        }
                    }
                }
            }
        }
        published.sort(java.util.Comparator.comparingLong(cell -> SmallCountSuppression.cost(tables.get(cell.table()).cells(), cell.row(), cell.column())));
        return published;
    }

    /** @return the cells it marked (a measure total is marked in every breakdown) */
    private List<Cell> suppress(Cell cell) {
        List<Cell> marked = new ArrayList<>();
        MonthlyReport.Table table = tables.get(cell.table());
        if (cell.row() == table.totalRow()) {
            for (Dimension dimension : Dimension.values()) {
                MonthlyReport.Table t = tables.get(dimension);
                if (t.cells().suppressSecondary(t.totalRow(), cell.column())) {
                    marked.add(new Cell(dimension, t.totalRow(), cell.column()));
                }
            }
        } else if (table.cells().suppressSecondary(cell.row(), cell.column())) {
            marked.add(cell);
        }
        return marked;
    }

    private void unsuppress(Cell cell) {
        tables.get(cell.table()).cells().unsuppress(cell.row(), cell.column());
    }
}
