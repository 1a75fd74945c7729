package org.carebridge.gateway.ig;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The AuditEvent search at its FHIR path, for IG users (the same search as {@code /ig/AuditEvent}). */
@RestController
class FhirAuditEventController {

    private final IgController ig;

    FhirAuditEventController(IgController ig) {
        this.ig = ig;
    }

    @GetMapping(IgSecurityConfiguration.FHIR_AUDIT_EVENT)
    ResponseEntity<String> search(@RequestParam(name = "patient.identifier", required = false) String patientIdentifier,
                                  @RequestParam(name = "date", required = false) List<String> dates,
                                  @RequestParam(name = "agent", required = false) String agent,
                                  @RequestParam(name = "entity", required = false) String entity,
                                  @RequestParam(name = "outcome", required = false) String outcome,
                                  @RequestParam(name = "_count", required = false) String count,
                                  Authentication user) {
        return ig.searchAuditEvents("GET /fhir/AuditEvent", patientIdentifier, dates, agent, entity, outcome, count, user);
    }
}
