package org.carebridge.gateway.report;

/**
 * A table of counts with its margins, and which counts may be published. Coordinates are those of the extended table:
 * rows {@code 0..rows()-1} are the strata and row {@code rows()} the column totals; columns {@code 0..columns()-1} are
 * the measures and column {@code columns()} the row totals; {@code (rows(), columns())} is the grand total.
 */
public final class ProtectedTable {

    private final long[][] values;
    private final CellState[][] states;

    ProtectedTable(long[][] values, CellState[][] states) {
        this.values = values;
        this.states = states;
    }

    public int rows() {
        return values.length - 1;
    }

    public int columns() {
        return values[0].length - 1;
    }

    public CellState state(int row, int column) {
        return states[row][column];
    }

    /** The count, suppressed or not: for the gateway's own checks and tests, never for publication. */
    public long value(int row, int column) {
        return values[row][column];
    }

    /** The count as it may be published: null when suppressed. */
    public Long published(int row, int column) {
        return states[row][column].suppressed() ? null : values[row][column];
    }

    public boolean suppressed(int row, int column) {
        return states[row][column].suppressed();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int r = 0; r < values.length; r++) {
            for (int c = 0; c < values[r].length; c++) {
                text.append(states[r][c].suppressed() ? "  *" : String.format("%3d", values[r][c]));
            }
            text.append('\n');
        }
        return text.toString();
    }

    /** @return true when the count was shown and is now suppressed */
    boolean suppressSecondary(int row, int column) {
        if (states[row][column].suppressed()) {
            return false;
        }
        states[row][column] = CellState.SECONDARY;
        return true;
    }

    /** Undoes a trial {@link #suppressSecondary}. */
    void unsuppress(int row, int column) {
        if (states[row][column] == CellState.SECONDARY) {
            states[row][column] = CellState.SHOWN;
        }
    }
}
