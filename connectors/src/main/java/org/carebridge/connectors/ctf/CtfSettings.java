package org.carebridge.connectors.ctf;

import java.time.LocalDate;

/**
 * How one virtual school's Common Transfer Files are read.
 *
 * @param senderId      the virtual school the transport authenticated; the messages' source
 * @param senderArea    its local authority area: the responsible authority of the children it sends
 * @param newSince      an exclusion starting before this day is not new, and is skipped
 * @param severeAbsence the share of possible sessions missed (0 to 1) from which a year's attendance is missing education
 */
public record CtfSettings(String senderId, String senderName, String senderArea, LocalAuthorities authorities, LocalDate newSince,
                          double severeAbsence) {

    /** The DfE's severe absence: missing half the possible sessions or more. */
    public static final double SEVERE_ABSENCE = 0.5;
}
