package org.carebridge.connectors.ssda903;

import java.time.LocalDate;

/**
 * How one partner's SSDA903 files are read.
 *
 * @param senderId       the partner the file came from (its transport folder authenticates it); the messages' source
 * @param senderArea     the partner's local authority area: the responsible authority of every child in its return
 * @param year           the collection year whose code lists the file is checked against, named in every message
 * @param newSince       an episode or missing episode starting before this day is not new, and is skipped
 * @param unknownColumns what a column (or XML element) the format does not define does to the file
 */
public record Ssda903Settings(String senderId, String senderName, String senderArea, CollectionYear year, LocalDate newSince,
                              UnknownColumns unknownColumns) {

    public enum UnknownColumns {
        /** the column is ignored, with one warning per file */
        WARN,
        /** the whole file is refused */
        REFUSE;

        public static UnknownColumns fromCode(String code) {
            return switch (code == null ? "warn" : code) {
                case "warn" -> WARN;
                case "refuse" -> REFUSE;
                default -> throw new IllegalArgumentException("unknown-columns '" + code + "' is not one of [warn, refuse]");
            };
        }
    }
}
