package org.carebridge.gateway.report;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Primary and secondary suppression, worked by hand (the reasoning is in each test), and an independent check by
 * linear algebra that no suppressed count can be worked out from what is published.
 */
class SmallCountSuppressionTest {

    private final SmallCountSuppression five = new SmallCountSuppression(5);

    /** Rows are the strata then the totals; '*' a suppressed count. */
    private static String layout(ProtectedTable table) {
        return table.toString();
    }

    @Test
    void oneSmallCountIsHiddenWithTheCheapestRectangleOfComplements() {
        //        m0  m1 | tot
        // r0     10   2 |  12     2 is below 5: primary.
        // r1      8   9 |  17     Cheapest cycle through (r0,m1): (r0,m0)=10, (r1,m0)=8, (r1,m1)=9, sum 27,
        // r2      7  11 |  18     against 10+7+11=28 through r2, and a million or more through any total.
        // tot    25  22 |  47
        ProtectedTable table = five.protect(new long[][]{{10, 2}, {8, 9}, {7, 11}});

        assertThat(layout(table)).isEqualTo("""
                  *  * 12
                  *  * 17
                  7 11 18
                 25 22 47
                """);
        assertThat(table.state(0, 1)).isEqualTo(CellState.PRIMARY);
        assertThat(table.state(0, 0)).isEqualTo(CellState.SECONDARY);
        assertThat(table.state(1, 0)).isEqualTo(CellState.SECONDARY);
        assertThat(table.state(1, 1)).isEqualTo(CellState.SECONDARY);
        assertThat(table.published(0, 1)).isNull();
        assertThat(table.published(2, 1)).isEqualTo(11L);
        assertThat(Derivability.derivableCells(table)).isEmpty();
    }

    @Test
    void aSmallRowTotalIsSuppressedAndProtectedToo() {
        //        m0  m1 | tot
        // r0      1   2 |   3     1, 2 and the row total 3 are all primary: a star of three bridges.
        // r1      6   7 |  13     (r0,m0): cheapest cycle is r0-m1 (free) - r1 (7) - m0 (6): suppress 7 and 6.
        // r2      8   9 |  17     (r0,tot) is then still a bridge: the only way back to the total column is through
        // tot    15  18 |  33     a margin; the cheapest reachable is r1's total, 13.
        ProtectedTable table = five.protect(new long[][]{{1, 2}, {6, 7}, {8, 9}});

        assertThat(layout(table)).isEqualTo("""
                  *  *  *
                  *  *  *
                  8  9 17
                 15 18 33
                """);
        assertThat(table.state(0, 2)).isEqualTo(CellState.PRIMARY);
        assertThat(table.state(1, 2)).isEqualTo(CellState.SECONDARY);
        assertThat(Derivability.derivableCells(table)).isEmpty();
    }

    @Test
    void zeroIsShownAndNonZeroComplementsArePreferredToZeros() {
        //        m0  m1  m2 | tot
        // r0      3   0  20 |  23    3 is primary; 0 counts no one and is shown.
        // r1      0   9  12 |  21    Through zeros (1,000 each) costs more than 20 + 10 + 6 = 36 through (r0,m2),
        // r2      6   7  10 |  23    (r2,m2), (r2,m0).
        // tot     9  16  42 |  67
        ProtectedTable table = five.protect(new long[][]{{3, 0, 20}, {0, 9, 12}, {6, 7, 10}});

        assertThat(layout(table)).isEqualTo("""
                  *  0  * 23
                  0  9 12 21
                  *  7  * 23
                  9 16 42 67
                """);
        assertThat(Derivability.derivableCells(table)).isEmpty();
    }

    @Test
    void aCellBridgingTwoProtectedBlocksIsNotLeftDerivable() {
        // Two 2x2 blocks of small counts, each already a cycle, joined by one more small count (r0,m2). Every row and
        // column holds two or more suppressed cells, so "two per line" would stop here, yet (r0,m2) equals the sum of
        // rows r0,r1 minus the sum of columns m0,m1. The bridge check finds it and closes a cycle through it.
        long[][] counts = {
                {1, 1, 1, 0, 50},
                {1, 1, 0, 0, 50},
                {0, 0, 1, 1, 50},
                {0, 0, 1, 1, 50},
                {40, 40, 40, 40, 50}};
        ProtectedTable table = five.protect(counts);

        assertThat(Derivability.derivableCells(table)).isEmpty();
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < 5; c++) {
                if (counts[r][c] > 0 && counts[r][c] < 5) {
                    assertThat(table.state(r, c)).isEqualTo(CellState.PRIMARY);
                }
            }
        }
    }

    @Test
    void aSingleStratumProtectsItsCopyInTheTotals() {
        // One stratum: its row is the totals row. 3 is primary twice (cell and column total); the cycle closes through
        // the next cheapest column (7) and its total.
        ProtectedTable table = five.protect(new long[][]{{3, 7, 12}});
        assertThat(layout(table)).isEqualTo("""
                  *  * 12 22
                  *  * 12 22
                """);
        assertThat(Derivability.derivableCells(table)).isEmpty();
    }

    @Test
    void totalsAnotherTableSuppressedAreSuppressedHereAndProtected() {
        ProtectedTable table = five.protect(2, new long[][]{{10, 20}, {30, 40}}, Set.of(0), false);
        assertThat(table.suppressed(2, 0)).isTrue();
        assertThat(table.state(2, 0)).isEqualTo(CellState.SECONDARY);
        assertThat(table.published(2, 0)).isNull();
        assertThat(Derivability.derivableCells(table)).isEmpty();
    }

    @Test
    void noSmallCountIsPublishedAndNoSuppressedCountIsDerivableInRandomTables() {
        Random random = new Random(20261122L);
        for (int run = 0; run < 300; run++) {
            int rows = 1 + random.nextInt(6);
            int columns = 1 + random.nextInt(5);
            long[][] counts = new long[rows][columns];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    counts[r][c] = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 6 : 30);
                }
            }
            int threshold = 2 + random.nextInt(9);
            ProtectedTable table = new SmallCountSuppression(threshold).protect(counts);
            for (int r = 0; r <= rows; r++) {
                for (int c = 0; c <= columns; c++) {
                    long value = table.value(r, c);
                    if (value > 0 && value < threshold) {
                        assertThat(table.published(r, c)).as("run %d cell %d,%d", run, r, c).isNull();
                    }
                    if (!table.suppressed(r, c)) {
                        assertThat(table.published(r, c)).isEqualTo(value);
                    }
                }
            }
            assertThat(Derivability.derivableCells(table)).as("run %d:%n%s", run, table).isEmpty();
        }
    }

    @Test
    void theIndependentCheckSeesWhatPrimarySuppressionAloneWouldGiveAway() {
        // Only the primary cell hidden: it is its row total minus the rest of its row.
        long[][] values = {{10, 2, 12}, {8, 9, 17}, {18, 11, 29}};
        CellState[][] states = new CellState[3][3];
        for (CellState[] row : states) {
            java.util.Arrays.fill(row, CellState.SHOWN);
        }
        states[0][1] = CellState.PRIMARY;
        assertThat(Derivability.derivableCells(new ProtectedTable(values, states))).containsExactly(new int[]{0, 1});
    }

    @Test
    void aTableWithNoStrataYetIsItsZeroTotals() {
        ProtectedTable table = five.protect(3, new long[0][], Set.of(), false);
        assertThat(layout(table)).isEqualTo("  0  0  0  0\n");
    }

    @Test
    void badTablesAreRefused() {
        assertThatThrownBy(() -> new SmallCountSuppression(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> five.protect(new long[][]{{1, 2}, {3}})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> five.protect(new long[][]{{-1}})).isInstanceOf(IllegalArgumentException.class);
    }
}
