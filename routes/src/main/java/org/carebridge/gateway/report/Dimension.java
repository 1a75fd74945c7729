package org.carebridge.gateway.report;

import java.util.List;
import java.util.function.Function;

/** A breakdown of the monthly monitoring report. Fixed-category breakdowns list every category, zero or not. */
public enum Dimension {
    AREA("area", "Area (local authority the child is placed in)", MonitoringFact::area, List.of()),
    PLACING_AUTHORITY("placing-authority", "Placing authority", MonitoringFact::placingAuthority, List.of()),
    CHILDRENS_HOME("childrens-home", "Children's home", MonitoringFact::childrensHome, List.of()),
    AGE_BAND("age-band", "Age band (at the event)", MonitoringFact::ageBand, AgeBands.ALL),
    SEX("sex", "Sex (administrative gender)", MonitoringFact::sex, List.of("female", "male", "other", MonitoringFact.UNKNOWN)),
    ETHNIC_GROUP("ethnic-group", "Ethnic group", MonitoringFact::ethnicGroup, EthnicGroups.ALL);

    private final String code;
    private final String display;
    private final Function<MonitoringFact, String> value;
    private final List<String> categories;

    Dimension(String code, String display, Function<MonitoringFact, String> value, List<String> categories) {
        this.code = code;
        this.display = display;
        this.value = value;
        this.categories = categories;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public String valueOf(MonitoringFact fact) {
        return value.apply(fact);
    }

    /** Every category, in report order, or empty when the strata are whatever the month's records show. */
    public List<String> categories() {
        return categories;
    }
}
