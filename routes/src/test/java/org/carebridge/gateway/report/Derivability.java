package org.carebridge.gateway.report;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent check of a protected table, by linear algebra rather than graphs: which suppressed counts are fixed
 * by the published numbers. The unknowns are the suppressed cells; each row and each column of the table (margins
 * included) is one equation. An unknown is fixed exactly when dropping its column from the equations lowers the rank.
 */
final class Derivability {

    private Derivability() {
    }

    static List<int[]> derivableCells(ProtectedTable table) {
        int rows = table.rows() + 1;
        int columns = table.columns() + 1;
        List<int[]> unknowns = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                if (table.suppressed(r, c)) {
                    unknowns.add(new int[]{r, c});
                }
            }
        }
        long[][] equations = new long[rows + columns][unknowns.size()];
        for (int u = 0; u < unknowns.size(); u++) {
            int r = unknowns.get(u)[0];
            int c = unknowns.get(u)[1];
            // Sign: a margin enters its line with a minus, so every line adds to a known number.
            equations[r][u] = c == columns - 1 && r != rows - 1 ? -1 : 1;
            equations[rows + c][u] = r == rows - 1 && c != columns - 1 ? -1 : 1;
        }
        int full = rank(equations, -1);
        List<int[]> derivable = new ArrayList<>();
        for (int u = 0; u < unknowns.size(); u++) {
            if (rank(equations, u) < full) {
                derivable.add(unknowns.get(u));
            }
        }
        return derivable;
    }

    /** Rank over the rationals (fraction-free elimination), leaving out column {@code skip}. */
    static int rank(long[][] matrix, int skip) {
        int rows = matrix.length;
        int columns = rows == 0 ? 0 : matrix[0].length;
        BigInteger[][] m = new BigInteger[rows][];
        for (int r = 0; r < rows; r++) {
            List<BigInteger> row = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                if (c != skip) {
                    row.add(BigInteger.valueOf(matrix[r][c]));
                }
            }
            m[r] = row.toArray(BigInteger[]::new);
        }
        int width = skip >= 0 ? columns - 1 : columns;
        int rank = 0;
        for (int c = 0; c < width && rank < rows; c++) {
            int pivot = -1;
            for (int r = rank; r < rows; r++) {
                if (m[r][c].signum() != 0) {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            BigInteger[] swap = m[pivot];
            m[pivot] = m[rank];
            m[rank] = swap;
            for (int r = rank + 1; r < rows; r++) {
                if (m[r][c].signum() != 0) {
                    BigInteger a = m[rank][c];
                    BigInteger b = m[r][c];
                    for (int k = c; k < width; k++) {
                        m[r][k] = m[r][k].multiply(a).subtract(m[rank][k].multiply(b));
                    }
                }
            }
            rank++;
        }
        return rank;
    }
}
