package org.carebridge.gateway.report;

import java.time.YearMonth;

/**
 * One police contact or police outcome, reduced to what the monthly monitoring report counts by. Holds nothing that
 * identifies a child: no name, identifier, birth date, exact time or free text.
 *
 * @param area the local authority area the child is placed in (placement Location), or {@value #UNKNOWN}
 * @param placingAuthority the placing (responsible) authority's code, or {@value #UNKNOWN}
 * @param childrensHome the children's home identifier, or {@value #NO_HOME}
 */
public record MonitoringFact(YearMonth month, Measure measure, String area, String placingAuthority, String childrensHome,
                             String ageBand, String sex, String ethnicGroup) {

    public static final String UNKNOWN = "unknown";
    public static final String NO_HOME = "none-recorded";
    public static final String NOT_STATED = "not-stated";
}
