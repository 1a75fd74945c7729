package org.carebridge.gateway.intake;

import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.security.crypto.cms.DisclosureSeal;
import org.carebridge.security.crypto.cms.SealOpener;
import org.carebridge.security.crypto.cms.SealRejected;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

/**
 * Opens a CMS body ({@value DisclosureSeal#MEDIA_TYPE}): decrypts it when it is encrypted to the gateway, and accepts
 * it only when signed by the sender's registered certificate, valid now, chaining to a trusted authority and not
 * revoked. A partner registered with {@code require-signature} must send such a body; a plain one is refused.
 */
@Component("signedBodies")
public class SignedBodies {

    private final SealOpener opener;
    private final PartnerRegistry registry;

    public SignedBodies(SealOpener opener, PartnerRegistry registry) {
        this.opener = opener;
        this.registry = registry;
    }

    public IntakeRequest open(IntakeRequest request) {
        if (!isCms(request.contentType())) {
            if (request.sender().sealing().requireSignature()) {
                throw new IntakeRejected(HttpStatus.FORBIDDEN, IssueType.SECURITY, "signature-required",
                        "This partner must send a CMS-signed body (Content-Type " + DisclosureSeal.MEDIA_TYPE + ")");
            }
            if (Partner.GATEWAY_ID.equals(request.sender().id()) || request.protection() != null) {
                return request;
            }
            return new IntakeRequest(request.sender(), request.contentType(), request.body(), "unsigned body over mutual TLS");
        }
        try {
            SealOpener.Opened opened = opener.openFrom(request.body(), registry.certificate(request.sender().id()));
            return new IntakeRequest(request.sender(), "application/fhir+json", opened.content(),
                    (opened.encrypted() ? "cms-signed and encrypted" : "cms-signed") + ", signer certificate serial "
                            + opened.signer().getSerialNumber().toString(16));
        } catch (SealRejected e) {
            throw new IntakeRejected(status(e.reason()), IssueType.SECURITY, "cms-" + e.reason().code(),
                    "The signed body was refused: " + e.getMessage());
        }
    }

    private static HttpStatus status(SealRejected.Reason reason) {
        return switch (reason) {
            case WRONG_SIGNER, SIGNER_UNTRUSTED, SIGNER_EXPIRED, SIGNER_REVOKED -> HttpStatus.FORBIDDEN;
            default -> HttpStatus.BAD_REQUEST;
        };
    }

    private static boolean isCms(String contentType) {
        try {
            MediaType type = contentType == null ? null : MediaType.parseMediaType(contentType);
            return type != null && "application".equals(type.getType())
                    && ("pkcs7-mime".equals(type.getSubtype()) || "cms".equals(type.getSubtype()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
