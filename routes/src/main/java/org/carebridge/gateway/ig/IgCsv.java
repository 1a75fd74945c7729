package org.carebridge.gateway.ig;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The disclosure report as CSV (RFC 4180), a header row first; cells are guarded against spreadsheet formulae. */
public final class IgCsv {

    static final String HEADER = "trackingId,event,receivedAt,recipient,outcome,reason,agreement,agreementVersion,lawfulBasis,"
            + "consent,overrideAssertedBy,overrideRole,overrideStatus,disclosedAt,explanation";

    private IgCsv() {
    }

    public static String report(List<IgQueries.ReportRow> rows) {
        StringBuilder csv = new StringBuilder(HEADER).append("\r\n");
        for (IgQueries.ReportRow r : rows) {
            Object[] cells = {r.trackingId(), r.event(), r.receivedAt(), r.recipient(), r.outcome(), r.reason(), r.agreementId(),
                    r.agreementVersion(), r.lawfulBasis(), r.consentRef(), r.overrideAssertedBy(), r.overrideRole(),
                    r.overrideStatus(), r.disclosedAt(), r.explanation()};
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    csv.append(',');
                }
                csv.append(cell(cells[i]));
            }
            csv.append("\r\n");
        }
        return csv.toString();
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        String text = value instanceof Instant instant ? instant.toString() : Objects.toString(value);
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
