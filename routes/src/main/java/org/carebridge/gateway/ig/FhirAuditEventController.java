package org.carebridge.gateway.ig;

import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.util.MultiValueMap;


/** The AuditEvent search at its FHIR path, for IG users (the same search as {@code /ig/AuditEvent}). */
@RestController
class FhirAuditEventController {

    private final IgController ig;

    FhirAuditEventController(IgController ig) {
        this.ig = ig;
    }

    @GetMapping(IgSecurityConfiguration.FHIR_AUDIT_EVENT)
    ResponseEntity<String> search(@RequestParam MultiValueMap<String, String> parameters, Authentication user) {
        return ig.searchAuditEvents("GET /fhir/AuditEvent", parameters, user);
    }
}
