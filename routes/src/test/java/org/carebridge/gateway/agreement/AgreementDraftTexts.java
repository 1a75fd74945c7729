package org.carebridge.gateway.agreement;

import java.time.LocalDate;

/** Agreement YAML as an administrator would upload it: one rule, in force from a given day. */
public final class AgreementDraftTexts {

    private AgreementDraftTexts() {
    }

    public static String agreement(String id, int version, LocalDate from) {
        return """
                id: %s
                version: %d
                title: Return home interviews shared with the responsible authority
                purpose: Let the responsible authority act on what a child said after being missing.
                purposeCode: missing-from-care
                parties:
                  - kind: childrens-services
                lawfulBasis:
                  article6: 6(1)(e) public task (Children Act 1989)
                  dpa2018: Schedule 1 Part 2 para 18 (safeguarding of children and individuals at risk)
                validity:
                  from: %s
                  until: 2028-12-31
                reviewDate: 2028-06-30
                retention: P7Y
                signatories:
                  - { name: Example Signatory, role: Director of Children's Services, organisation: Norfolk County Council, signed: 2026-11-01 }
                rules:
                  - id: responsible-authority
                    event: return-home-interview
                    sender: { kind: childrens-services }
                    recipient: { kind: childrens-services, area: responsible }
                    profile: return-home-interview-childrens-services
                    consent: not-required
                """.formatted(id, version, from);
    }

    /** The same agreement with a rule for an event that does not exist, on line 20. */
    public static String withUnknownEvent(String id) {
        return agreement(id, 1, LocalDate.of(2027, 1, 1)).replace("event: return-home-interview", "event: return-home-chat");
    }
}
