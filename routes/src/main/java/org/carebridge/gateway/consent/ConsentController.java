package org.carebridge.gateway.consent;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletRequest;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.FhirJsonBody;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FHIR Consent registry on the partner port: create, read, search by subject identifier, and withdraw (update to
 * inactive). Only partners with the consent-writer role may use it, and each sees and changes only the consents
 * {@link ConsentAccess} allows it.
 */
@RestController
public class ConsentController {

    static final String SUBJECT_PARAMETER = "patient.identifier";

    private static final Logger log = LoggerFactory.getLogger(ConsentController.class);
    private static final Pattern VERSION_TAG = Pattern.compile("(?:W/)?\"(\\d{1,9})\"");

    private final ConsentRegistry registry;
    private final ConsentAccess access;
    private final ConsentReader reader;
    private final OperationOutcomes outcomes;
    private final FhirContext fhir;
    private final int maxBodyBytes;
    private final FailureOutcomes failures;

    public ConsentController(ConsentRegistry registry, ConsentAccess access, ConsentReader reader, OperationOutcomes outcomes,
                             FhirContext fhir, CarebridgeProperties properties, FailureOutcomes failures) {
        this.failures = failures;
        this.registry = registry;
        this.access = access;
        this.reader = reader;
        this.outcomes = outcomes;
        this.fhir = fhir;
        this.maxBodyBytes = properties.intake().maxBodyBytes();
    }

    @PostMapping("/fhir/Consent")
    public ResponseEntity<String> create(HttpServletRequest request,
                                         @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) throws IOException {
        access.requireWriter(caller, "record");
        StoredConsent stored = registry.record(reader.parse(request.getContentType(), body(request)), caller);
        HttpHeaders headers = versionHeaders(stored);
        return ResponseEntity.status(HttpStatus.CREATED).headers(headers).contentType(OperationOutcomes.FHIR_JSON).body(stored.resource());
    }

    @GetMapping("/fhir/Consent/{id}")
    public ResponseEntity<String> read(@PathVariable String id,
                                       @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) {
        access.requireWriter(caller, "read");
        return ok(registry.read(id, caller));
    }

    @GetMapping("/fhir/Consent/{id}/_history/{version}")
    public ResponseEntity<String> readVersion(@PathVariable String id, @PathVariable String version,
                                              @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) {
        access.requireWriter(caller, "read");
        if (!version.matches("\\d{1,9}")) {
            throw new ConsentRejected(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "No consent has this id and version");
        }
        return ok(registry.read(id, Integer.parseInt(version), caller));
    }

    @GetMapping("/fhir/Consent")
    public ResponseEntity<String> search(HttpServletRequest request,
                                         @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) {
        access.requireWriter(caller, "search");
        SubjectIdentifier subject = searchSubject(request);
        List<StoredConsent> found = registry.search(subject, caller);
        Bundle bundle = new Bundle();
        bundle.setId(UUID.randomUUID().toString());
        bundle.getMeta().setLastUpdated(new Date());
        bundle.setType(Bundle.BundleType.SEARCHSET);
        bundle.setTotal(found.size());
        bundle.addLink().setRelation("self").setUrl(ServletUriComponentsBuilder.fromCurrentRequest().build().toUriString());
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().path("/fhir/Consent/").build().toUriString();
        for (StoredConsent consent : found) {
            bundle.addEntry().setFullUrl(base + consent.record().id()).setResource(registry.parse(consent.resource()))
                    .getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return ResponseEntity.ok().contentType(OperationOutcomes.FHIR_JSON).body(fhir.newJsonParser().encodeResourceToString(bundle));
    }

    @PutMapping("/fhir/Consent/{id}")
    public ResponseEntity<String> update(@PathVariable String id, HttpServletRequest request,
                                         @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                         @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner caller) throws IOException {
        access.requireWriter(caller, "withdraw");
        Integer expectedVersion = expectedVersion(ifMatch);
        StoredConsent stored = registry.withdraw(id, reader.parse(request.getContentType(), body(request)),
                expectedVersion, caller);
        return ok(stored);
    }

    @DeleteMapping("/fhir/Consent/{id}")
    public ResponseEntity<String> delete(@PathVariable String id) {
        return outcomes.error(HttpStatus.METHOD_NOT_ALLOWED, IssueType.NOTSUPPORTED,
                "A consent is never deleted: withdraw it by updating it to status 'inactive'");
    }

    @ExceptionHandler(ConsentRejected.class)
    ResponseEntity<String> rejected(ConsentRejected rejected) {
        log.info("Consent request refused ({}): {}", rejected.status().value(), rejected.issueType().toCode());
        return outcomes.error(rejected.status(), rejected.issueType(), rejected.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> failed(Exception e) {
        return failures.failed(e, "A consent request", "nothing was changed");
    }

    private ResponseEntity<String> ok(StoredConsent stored) {
        return ResponseEntity.ok().headers(versionHeaders(stored)).contentType(OperationOutcomes.FHIR_JSON).body(stored.resource());
    }

    private static HttpHeaders versionHeaders(StoredConsent stored) {
        HttpHeaders headers = new HttpHeaders();
        headers.setLocation(ServletUriComponentsBuilder.fromCurrentContextPath().path("/fhir/Consent/{id}/_history/{version}")
                .buildAndExpand(stored.record().id(), stored.record().version()).toUri());
        headers.setETag("W/\"" + stored.record().version() + "\"");
        headers.setLastModified(stored.record().recordedAt());
        return headers;
    }

    private static SubjectIdentifier searchSubject(HttpServletRequest request) {
        Set<String> unsupported = new TreeSet<>(request.getParameterMap().keySet());
        unsupported.remove(SUBJECT_PARAMETER);
        if (!unsupported.isEmpty()) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.NOTSUPPORTED,
                    "Unsupported search parameter(s) " + unsupported + "; search by " + SUBJECT_PARAMETER + "=system|value");
        }
        String[] values = request.getParameterValues(SUBJECT_PARAMETER);
        if (values == null || values.length != 1) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.REQUIRED,
                    "Search needs exactly one " + SUBJECT_PARAMETER + "=system|value");
        }
        int bar = values[0].indexOf('|');
        if (bar <= 0 || bar == values[0].length() - 1) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.INVALID,
                    SUBJECT_PARAMETER + " must be system|value, both given");
        }
        return new SubjectIdentifier(values[0].substring(0, bar), values[0].substring(bar + 1));
    }

    private static Integer expectedVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return null;
        }
        Matcher matcher = VERSION_TAG.matcher(ifMatch.trim());
        if (!matcher.matches()) {
            throw new ConsentRejected(HttpStatus.BAD_REQUEST, IssueType.INVALID, "If-Match must be a version tag such as W/\"1\"");
        }
        return Integer.valueOf(matcher.group(1));
    }

    private byte[] body(HttpServletRequest request) throws IOException {
        try {
            return FhirJsonBody.readBounded(request, maxBodyBytes);
        } catch (FhirJsonBody.Refused e) {
            throw new ConsentRejected(e.status(), e.issueType(), e.getMessage());
        }
    }
}
