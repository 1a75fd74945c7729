package org.carebridge.gateway.report;

import java.util.List;

/**
 * The five top-level ethnic groups of the NHS Data Dictionary ethnic category (England), which the UK Core extension
 * carries as codes A to Z: A-C White, D-G Mixed, H-L Asian, M-P Black, R-S Other; Z (not stated) and anything else
 * count as not stated.
 */
final class EthnicGroups {

    static final String EXTENSION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory";
    static final String SYSTEM = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland";
    static final List<String> ALL = List.of("white", "mixed", "asian", "black", "other", MonitoringFact.NOT_STATED);

    private EthnicGroups() {
    }

    static String of(String code) {
        if (code == null || code.length() != 1) {
            return MonitoringFact.NOT_STATED;
        }
        return switch (code.charAt(0)) {
            case 'A', 'B', 'C' -> "white";
            case 'D', 'E', 'F', 'G' -> "mixed";
            case 'H', 'J', 'K', 'L' -> "asian";
            case 'M', 'N', 'P' -> "black";
            case 'R', 'S' -> "other";
            default -> MonitoringFact.NOT_STATED;
        };
    }
}
