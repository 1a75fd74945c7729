package org.carebridge.security.agreement;

import java.util.List;

/** The agreements loaded from the configuration folder, every version. Which ones apply is the decision's business. */
public record AgreementSet(List<Agreement> agreements) {

    public AgreementSet {
        agreements = List.copyOf(agreements);
    }
}
