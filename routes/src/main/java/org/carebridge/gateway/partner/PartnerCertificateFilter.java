package org.carebridge.gateway.partner;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.audit.UnauthenticatedRefusals;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.pki.Revocations;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.security.cert.X509Certificate;

/**
 * Every request on the partner port must come from a registered partner: the TLS client certificate is looked up in
 * the registry before anything else happens. The partner is then available as a request attribute. Refusals here come
 * before anyone is known, so they are tallied per address ({@link UnauthenticatedRefusals}), not recorded one by one.
 */
public class PartnerCertificateFilter extends OncePerRequestFilter {

    public static final String PARTNER_ATTRIBUTE = "carebridge.partner";

    private final PartnerRegistry registry;
    private final OperationOutcomes outcomes;

    private final UnauthenticatedRefusals refusals;
    private final Revocations revocations;

    public PartnerCertificateFilter(PartnerRegistry registry, OperationOutcomes outcomes, UnauthenticatedRefusals refusals,
                                    Revocations revocations) {
        this.registry = registry;
        this.outcomes = outcomes;
        this.refusals = refusals;
        this.revocations = revocations;
    }

    /**
     * People sign in with their own credentials, not a partner certificate: the IG API and its AuditEvent search, the
     * console and the admin API.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith(request.getContextPath() + "/ig/")
                || request.getRequestURI().equals(request.getContextPath() + "/ig")
                || request.getRequestURI().equals(request.getContextPath() + "/console")
                || request.getRequestURI().startsWith(request.getContextPath() + "/console/")
                || request.getRequestURI().startsWith(request.getContextPath() + "/admin/api/")
                || request.getRequestURI().equals(request.getContextPath() + "/fhir/AuditEvent");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        X509Certificate[] chainPresented = (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
        if (chainPresented == null || chainPresented.length == 0) {
            refusals.refused(request.getRemoteAddr(), 401, "no-client-certificate");
            write(response, outcomes.error(HttpStatus.UNAUTHORIZED, IssueType.LOGIN,
                    "A TLS client certificate issued to a registered partner is required"));
            return;
        }
        if (revocations.isRevoked(chainPresented[0])) {
            refusals.refused(request.getRemoteAddr(), 403, "revoked-certificate");
            write(response, outcomes.error(HttpStatus.FORBIDDEN, IssueType.SECURITY,
                    "The TLS client certificate has been revoked by its authority"));
            return;
        }
        Partner partner = registry.byCertificate(chainPresented[0]).orElse(null);
        if (partner == null) {
            refusals.refused(request.getRemoteAddr(), 403, "unregistered-certificate");
            write(response, outcomes.error(HttpStatus.FORBIDDEN, IssueType.SECURITY,
                    "The TLS client certificate is not registered to any partner"));
            return;
        }
        request.setAttribute(PARTNER_ATTRIBUTE, partner);
        chain.doFilter(request, response);
    }

    private static void write(HttpServletResponse response, ResponseEntity<String> entity) throws IOException {
        response.setStatus(entity.getStatusCode().value());
        response.setContentType(OperationOutcomes.FHIR_JSON.toString());
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(entity.getBody());
    }
}
