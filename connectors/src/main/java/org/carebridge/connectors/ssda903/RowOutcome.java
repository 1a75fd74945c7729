package org.carebridge.connectors.ssda903;

import org.hl7.fhir.r4.model.Bundle;

/**
 * What became of one row of a file (or, with line 0, of the file as a whole): a mapped message, a row skipped because it
 * is no event the gateway carries, a row refused, or a warning. The detail never holds personal data.
 *
 * @param table    Header, Episodes, Missing (CSV), or the XML element (CHILD, EPISODE, AMISSING)
 * @param line     the line the row starts on (the heading line is 1); 0 for the file
 * @param column   the column (or XML element) at fault, for a refusal; else null
 * @param event    the CareBridge event of a mapped message; else null
 * @param bundle   the canonical FHIR message of a mapped row; else null
 */
public record RowOutcome(String table, long line, Status status, String column, String detail, String event,
                         String messageId, Bundle bundle) {

    public enum Status { MAPPED, READ, SKIPPED, REFUSED, WARNING }

    static RowOutcome mapped(String table, long line, String event, String messageId, Bundle bundle) {
        return new RowOutcome(table, line, Status.MAPPED, null, null, event, messageId, bundle);
    }

    static RowOutcome skipped(String table, long line, String why) {
        return new RowOutcome(table, line, Status.SKIPPED, null, why, null, null, null);
    }

    static RowOutcome refused(String table, long line, String column, String why) {
        return new RowOutcome(table, line, Status.REFUSED, column, why, null, null, null);
    }

    static RowOutcome warning(String table, String why) {
        return new RowOutcome(table, 0, Status.WARNING, null, why, null, null, null);
    }
}
