package org.carebridge.connectors.ssda903;

/** One row refused. Says which column and what is wrong, without echoing the value unless it is a code. */
final class RowProblem extends Exception {

    private final String column;

    RowProblem(String column, String detail) {
        super(detail, null, false, false);
        this.column = column;
    }

    String column() {
        return column;
    }
}
