package org.carebridge.gateway.startup;

import org.carebridge.gateway.embedded.EmbeddedInProduction;
import org.carebridge.gateway.embedded.ExternalServicesEnvironment;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Why the production profile will not run on the embedded PostgreSQL or Artemis, and what to set. */
public class EmbeddedInProductionFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedInProduction> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedInProduction cause) {
        return new FailureAnalysis("The production profile refuses to start on " + String.join(" and ", cause.embedded())
                + ". The embedded servers keep their data under the data directory of one machine, with no backup, replication "
                + "or monitoring: production records must not live there.",
                "Point the gateway at the production PostgreSQL and Artemis (SPRING_DATASOURCE_URL, SPRING_ARTEMIS_BROKER_URL), "
                        + "or, for a deliberate single-machine trial, set " + ExternalServicesEnvironment.ALLOW_IN_PRODUCTION
                        + "=true (CAREBRIDGE_EMBEDDED_ALLOW_IN_PRODUCTION).", cause);
    }
}
