package org.carebridge.gateway.report;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Small-count suppression for a two-way table published with its row totals, column totals and grand total.
 *
 * <p>Primary: every count from 1 to {@code threshold - 1}, margins included, is suppressed. Zero is shown: it counts
 * no one.
 *
 * <p>Secondary: write the table with its margins as one (R+1) x (C+1) table in which every row and every column adds
 * up to a known number (the margins enter with a minus sign). The suppressed cells are the edges of a bipartite graph
 * between rows and columns. A suppressed cell can be worked out exactly from the published numbers if and only if its
 * edge lies on no cycle of that graph (a bridge): along a cycle, values can be raised and lowered in turn without
 * changing any total. So while some suppressed cell is a bridge, the cheapest path that closes a cycle through it is
 * found (Dijkstra; suppressed cells cost nothing, a non-zero inner count costs its value, a zero inner count, a margin
 * and the grand total cost progressively more, so small inner counts are given up first and totals last) and its cells
 * are suppressed. Adding suppressions never turns a cycle edge into a bridge, so this ends, with no cell derivable.
 *
 * <p>What it does not promise: bounds. Non-negativity can narrow the range a suppressed count lies in; no linear
 * programming audit of those ranges is made.
 */
public final class SmallCountSuppression {

    static final long ZERO_COST = 1_000L;
    static final long MARGIN_COST = 1_000_000L;
    static final long GRAND_TOTAL_COST = 1_000_000_000L;

    private final int threshold;

    public SmallCountSuppression(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("the suppression threshold must be at least 1");
        }
        this.threshold = threshold;
    }

    public int threshold() {
        return threshold;
    }

    /** @param counts rows (strata) by columns (measures), non-negative */
    public ProtectedTable protect(long[][] counts) {
        if (counts.length == 0) {
            throw new IllegalArgumentException("a table with no rows needs its number of columns");
        }
        return protect(counts[0].length, counts, Set.of(), false);
    }

    /**
     * @param columns              the number of measures (a month may have no strata yet)
     * @param suppressColumnTotals column totals to suppress whatever their value, because a table that shares them
     *                             (the same measures by another breakdown) had to suppress them
     * @param suppressGrandTotal   likewise for the grand total
     */
    public ProtectedTable protect(int columns, long[][] counts, Set<Integer> suppressColumnTotals, boolean suppressGrandTotal) {
        int rows = counts.length;
        if (columns == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        long[][] values = new long[rows + 1][columns + 1];
        for (int r = 0; r < rows; r++) {
            if (counts[r].length != columns) {
                throw new IllegalArgumentException("row " + r + " has " + counts[r].length + " columns, not " + columns);
            }
            for (int c = 0; c < columns; c++) {
                if (counts[r][c] < 0) {
                    throw new IllegalArgumentException("counts cannot be negative");
                }
                values[r][c] = counts[r][c];
                values[r][columns] += counts[r][c];
                values[rows][c] += counts[r][c];
                values[rows][columns] += counts[r][c];
            }
        }
        CellState[][] states = new CellState[rows + 1][columns + 1];
        for (CellState[] row : states) {
            Arrays.fill(row, CellState.SHOWN);
        }
        for (int r = 0; r <= rows; r++) {
            for (int c = 0; c <= columns; c++) {
                if (values[r][c] > 0 && values[r][c] < threshold) {
                    states[r][c] = CellState.PRIMARY;
                }
            }
        }
        for (int c : suppressColumnTotals) {
            if (c >= 0 && c < columns && !states[rows][c].suppressed()) {
                states[rows][c] = CellState.SECONDARY;
            }
        }
        if (suppressGrandTotal && !states[rows][columns].suppressed()) {
            states[rows][columns] = CellState.SECONDARY;
        }
        int[] bridge;
        while ((bridge = firstBridge(states)) != null) {
            closeCycle(values, states, bridge[0], bridge[1]);
        }
        return new ProtectedTable(values, states);
    }

    /** The first suppressed cell (row-major) that no cycle of suppressed cells runs through, or null. */
    private static int[] firstBridge(CellState[][] states) {
        boolean[][] bridges = new Bridges(states).find();
        for (int r = 0; r < states.length; r++) {
            for (int c = 0; c < states[r].length; c++) {
                if (bridges[r][c]) {
                    return new int[]{r, c};
                }
            }
        }
        return null;
    }

    /** Tarjan's bridge finding over the graph of suppressed cells. Nodes: rows 0..R, then columns. */
    private static final class Bridges {

        private final CellState[][] states;
        private final int rows;
        private final int columns;
        private final int[] order;
        private final int[] low;
        private final boolean[][] bridges;
        private int counter;

        Bridges(CellState[][] states) {
            this.states = states;
            this.rows = states.length;
            this.columns = states[0].length;
            this.order = new int[rows + columns];
            this.low = new int[rows + columns];
            this.bridges = new boolean[rows][columns];
        }

        boolean[][] find() {
            for (int node = 0; node < rows + columns; node++) {
                if (order[node] == 0) {
                    visit(node, -1);
                }
            }
            return bridges;
        }

        private void visit(int node, int parent) {
            order[node] = low[node] = ++counter;
            int count = node < rows ? columns : rows;
            for (int other = 0; other < count; other++) {
                int r = node < rows ? node : other;
                int c = node < rows ? other : node - rows;
                if (!states[r][c].suppressed()) {
                    continue;
                }
                int next = node < rows ? rows + c : r;
                if (next == parent) {
                    continue; // a pair of nodes shares at most one cell, so this is the edge we came by
                }
                if (order[next] == 0) {
                    visit(next, node);
                    low[node] = Math.min(low[node], low[next]);
                    if (low[next] > order[node]) {
                        bridges[r][c] = true;
                    }
                } else {
                    low[node] = Math.min(low[node], order[next]);
                }
            }
        }
    }

    /** Suppresses the cheapest path of cells from row r to column c that avoids (r, c), putting (r, c) on a cycle. */
    private void closeCycle(long[][] values, CellState[][] states, int row, int column) {
        int rows = states.length;
        int columns = states[0].length;
        int nodes = rows + columns;
        long[] distance = new long[nodes];
        int[] previous = new int[nodes];
        Arrays.fill(distance, Long.MAX_VALUE);
        Arrays.fill(previous, -1);
        distance[row] = 0;
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        queue.add(new long[]{0, row});
        while (!queue.isEmpty()) {
            long[] head = queue.poll();
            int node = (int) head[1];
            if (head[0] > distance[node]) {
                continue;
            }
            if (node == rows + column) {
                break;
            }
            int count = node < rows ? columns : rows;
            for (int other = 0; other < count; other++) {
                int r = node < rows ? node : other;
                int c = node < rows ? other : node - rows;
                if (r == row && c == column) {
                    continue;
                }
                int next = node < rows ? rows + c : r;
                long step = cost(values, states, r, c);
                if (distance[node] + step < distance[next]) {
                    distance[next] = distance[node] + step;
                    previous[next] = node;
                    queue.add(new long[]{distance[next], next});
                }
            }
        }
        int node = rows + column;
        if (previous[node] < 0) {
            throw new IllegalStateException("no complementary cells exist for a table of " + rows + " by " + columns);
        }
        while (node != row) {
            int from = previous[node];
            int r = node < rows ? node : from;
            int c = node < rows ? from - rows : node - rows;
            if (!states[r][c].suppressed()) {
                states[r][c] = CellState.SECONDARY;
            }
            node = from;
        }
    }

    /** What suppressing this count costs, as the cycle closing weighs it. */
    static long cost(ProtectedTable table, int r, int c) {
        if (table.suppressed(r, c)) {
            return 0;
        }
        if (r == table.rows() && c == table.columns()) {
            return GRAND_TOTAL_COST;
        }
        if (r == table.rows() || c == table.columns()) {
            return MARGIN_COST + table.value(r, c);
        }
        return table.value(r, c) == 0 ? ZERO_COST : table.value(r, c);
    }

    private static long cost(long[][] values, CellState[][] states, int r, int c) {
        if (states[r][c].suppressed()) {
            return 0;
        }
        int lastRow = states.length - 1;
        int lastColumn = states[0].length - 1;
        if (r == lastRow && c == lastColumn) {
            return GRAND_TOTAL_COST;
        }
        if (r == lastRow || c == lastColumn) {
            return MARGIN_COST + values[r][c];
        }
        return values[r][c] == 0 ? ZERO_COST : values[r][c];
    }
}
