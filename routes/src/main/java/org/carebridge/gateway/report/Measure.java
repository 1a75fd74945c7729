package org.carebridge.gateway.report;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What the monthly monitoring report counts: police contacts (custody, missing) and police outcomes. */
public enum Measure {
    CUSTODY_NOTIFICATION("custody-notification", Family.CONTACTS, "Custody notifications"),
    MISSING_EPISODE("missing-episode", Family.CONTACTS, "Missing episodes"),
    CHARGE("charge", Family.OUTCOMES, "Charge"),
    CAUTION("caution", Family.OUTCOMES, "Caution"),
    COMMUNITY_RESOLUTION("community-resolution", Family.OUTCOMES, "Community resolution"),
    OUTCOME_20("outcome-20", Family.OUTCOMES, "Outcome 20 (action by another body)"),
    OUTCOME_21("outcome-21", Family.OUTCOMES, "Outcome 21 (not in the public interest to investigate further)"),
    OUTCOME_22("outcome-22", Family.OUTCOMES, "Outcome 22 (diversionary, educational or intervention activity)"),
    NO_FURTHER_ACTION("no-further-action", Family.OUTCOMES, "No further action");

    /** The code system of police outcomes in the messages partners send. */
    public static final String POLICE_OUTCOME_SYSTEM = "https://carebridge.example.org/fhir/CodeSystem/police-outcome";

    /** Measures counted together, with a total per stratum: one table per breakdown. */
    public enum Family {
        CONTACTS("police-contacts", "Police contacts (custody notifications and missing episodes)"),
        OUTCOMES("police-outcomes", "Police outcomes");

        private final String code;
        private final String display;

        Family(String code, String display) {
            this.code = code;
            this.display = display;
        }

        /** The code of the family's total. */
        public String code() {
            return code;
        }

        public String display() {
            return display;
        }

        public List<Measure> measures() {
            return Arrays.stream(Measure.values()).filter(m -> m.family == this).toList();
        }
    }

    private final String code;
    private final Family family;
    private final String display;

    Measure(String code, Family family, String display) {
        this.code = code;
        this.family = family;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public Family family() {
        return family;
    }

    public String display() {
        return display;
    }

    public static Optional<Measure> outcome(String code) {
        return Arrays.stream(values()).filter(m -> m.family == Family.OUTCOMES && m.code.equals(code)).findFirst();
    }

    public static Optional<Measure> fromCode(String code) {
        return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst();
    }
}
