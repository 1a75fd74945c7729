package org.carebridge.gateway.ig;

import org.carebridge.gateway.fhir.OperationOutcomes;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** IG officers see who is locked out of IG sign-in and clear a lockout; each clearing is audited. */
@RestController
class IgSignInLockoutController {

    static final String PATH = "/ig/sign-in-lockouts";

    private final IgSignInThrottle throttle;
    private final OperationOutcomes outcomes;

    IgSignInLockoutController(IgSignInThrottle throttle, OperationOutcomes outcomes) {
        this.throttle = throttle;
        this.outcomes = outcomes;
    }

    @GetMapping(PATH)
    List<IgSignInThrottle.Lockout> lockouts() {
        return throttle.locked();
    }

    @DeleteMapping(PATH + "/{kind}/{name}")
    ResponseEntity<String> clear(@PathVariable String kind, @PathVariable String name, Authentication officer) {
        if (!kind.equals("user") && !kind.equals("address")) {
            return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "A lockout is of a 'user' or an 'address'");
        }
        if (!throttle.clear(kind, name, officer.getName())) {
            return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No failed sign-ins are recorded for this " + kind);
        }
        return ResponseEntity.noContent().build();
    }
}
