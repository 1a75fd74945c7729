package org.carebridge.gateway.ig;

import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.agreement.AgreementStanding;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.SharingRule;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /ig/agreements}: every loaded agreement, where it stands today, its parties, lawful basis and rules in words. */
@RestController
class IgAgreementsController {

    private final AgreementRegistry agreements;
    private final AuditTrail audit;

    IgAgreementsController(AgreementRegistry agreements, AuditTrail audit) {
        this.agreements = agreements;
        this.audit = audit;
    }

    @GetMapping("/ig/agreements")
    ResponseEntity<List<Map<String, Object>>> agreements(Authentication user) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (AgreementStanding standing : agreements.standings()) {
            Agreement agreement = standing.agreement();
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", agreement.id());
            item.put("version", agreement.version());
            item.put("title", agreement.title());
            item.put("purpose", agreement.purpose());
            item.put("standing", standing.state().code());
            item.put("statement", standing.sentence());
            item.put("validFrom", text(agreement.validFrom()));
            item.put("validUntil", text(agreement.validUntil()));
            item.put("expiredSince", text(standing.expiredSince()));
            item.put("reviewDate", text(agreement.reviewDate()));
            item.put("reviewOverdue", standing.reviewOverdue());
            item.put("parties", standing.parties());
            Map<String, Object> basis = new LinkedHashMap<>();
            basis.put("summary", agreement.lawfulBasis().summary());
            basis.put("article6", agreement.lawfulBasis().article6());
            basis.put("article9", agreement.lawfulBasis().article9());
            basis.put("dpa2018", agreement.lawfulBasis().dpa2018());
            item.put("lawfulBasis", basis);
            item.put("retention", agreement.retention() == null ? null : agreement.retention().toString());
            List<Map<String, Object>> rules = new ArrayList<>();
            for (SharingRule rule : agreement.rules()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", rule.id());
                r.put("event", rule.event());
                r.put("inWords", AgreementStanding.describe(rule));
                rules.add(r);
            }
            item.put("rules", rules);
            list.add(item);
        }
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user))
                .outcome("GET /ig/agreements", "results=" + list.size()));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(list);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
