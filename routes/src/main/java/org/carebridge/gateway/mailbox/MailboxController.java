package org.carebridge.gateway.mailbox;

import org.carebridge.connectors.https.PartnerHttpsTransport;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.metrics.GatewayMetrics;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A partner's own mailbox on the partner port, MESH-style: list the inbox, download a message, acknowledge it. The
 * partner is the one its TLS client certificate names ({@link PartnerCertificateFilter}); there is no mailbox id in the
 * path to get wrong, and another partner's message id is simply not found.
 */
@RestController
public class MailboxController {

    public static final String INBOX = "/mailbox/inbox";
    /** The mailbox message id of a downloaded message (its path id); the FHIR message id travels as for HTTPS. */
    public static final String MAILBOX_MESSAGE_ID_HEADER = "X-CareBridge-Mailbox-Message-Id";

    /** What an inbox page lists: metadata only, nothing about the child. */
    public record InboxPage(List<Item> messages, int page, int size, long total) {
    }

    public record Item(String id, String event, int size, String depositedAt, boolean downloaded) {
    }

    private final Mailbox mailbox;
    private final MailboxMetrics mailboxMetrics;
    private final GatewayMetrics metrics;
    private final OperationOutcomes outcomes;
    private final FailureOutcomes failures;
    private final MailboxProperties properties;

    public MailboxController(Mailbox mailbox, MailboxMetrics mailboxMetrics, GatewayMetrics metrics, OperationOutcomes outcomes,
                             FailureOutcomes failures, MailboxProperties properties) {
        this.mailbox = mailbox;
        this.mailboxMetrics = mailboxMetrics;
        this.metrics = metrics;
        this.outcomes = outcomes;
        this.failures = failures;
        this.properties = properties;
    }

    @GetMapping(INBOX)
    public ResponseEntity<?> inbox(@RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner partner,
                                   @RequestParam(name = "page", required = false) String page,
                                   @RequestParam(name = "size", required = false) String size) {
        ResponseEntity<String> refused = refuseUnlessMailbox(partner);
        if (refused != null) {
            return refused;
        }
        Integer pageNumber = number(page, 0);
        Integer pageSize = number(size, properties.pageSize());
        if (pageNumber == null || pageNumber < 0 || pageNumber > 1_000_000) {
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.VALUE, "page must be a whole number from 0");
        }
        if (pageSize == null || pageSize < 1 || pageSize > properties.maxPageSize()) {
            return outcomes.error(HttpStatus.BAD_REQUEST, IssueType.VALUE,
                    "size must be a whole number from 1 to " + properties.maxPageSize());
        }
        Mailbox.Page listed = mailbox.inbox(partner, pageNumber, pageSize);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(new InboxPage(listed.messages().stream()
                .map(e -> new Item(e.id().toString(), e.event(), e.size(), e.depositedAt().toString(), e.downloadedAt() != null))
                .toList(), listed.page(), listed.size(), listed.total()));
    }

    @GetMapping(INBOX + "/{id}")
    public ResponseEntity<?> download(@RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner partner,
                                      @PathVariable String id) {
        ResponseEntity<String> refused = refuseUnlessMailbox(partner);
        if (refused != null) {
            return refused;
        }
        UUID messageId = uuid(id);
        Mailbox.Fetched fetched = messageId == null ? new Mailbox.Missing() : mailbox.download(partner, messageId);
        if (fetched instanceof Mailbox.Withdrawn) {
            mailboxMetrics.refresh();
            return outcomes.error(HttpStatus.GONE, IssueType.DELETED,
                    "This message was withdrawn: the record's retention ended before it was downloaded");
        }
        if (!(fetched instanceof Mailbox.Found found)) {
            return notFound();
        }
        Mailbox.Download d = found.download();
        if (d.first()) {
            metrics.delivered(partner.id(), d.event(), Duration.between(d.receivedAt(), Instant.now()));
        }
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.parseMediaType(d.contentType()));
        headers.add(MAILBOX_MESSAGE_ID_HEADER, d.id().toString());
        headers.add(PartnerHttpsTransport.MESSAGE_ID_HEADER, d.messageId());
        headers.add(PartnerHttpsTransport.TRACKING_ID_HEADER, d.trackingId().toString());
        headers.add(PartnerHttpsTransport.EVENT_HEADER, d.event());
        headers.setCacheControl("no-store");
        return new ResponseEntity<>(d.body(), headers, HttpStatus.OK);
    }

    /** MESH's acknowledgement: {@code PUT .../{id}/status/acknowledged}, no body. */
    @PutMapping(INBOX + "/{id}/status/acknowledged")
    public ResponseEntity<String> acknowledge(@RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner partner,
                                              @PathVariable String id) {
        ResponseEntity<String> refused = refuseUnlessMailbox(partner);
        if (refused != null) {
            return refused;
        }
        UUID messageId = uuid(id);
        Mailbox.Acknowledgement done = messageId == null ? Mailbox.Acknowledgement.NOT_FOUND : mailbox.acknowledge(partner, messageId);
        return switch (done) {
            case NOT_FOUND -> notFound();
            case NOT_DOWNLOADED -> outcomes.error(HttpStatus.CONFLICT, IssueType.BUSINESSRULE,
                    "Download this message before acknowledging it; it stays in the mailbox");
            case ACKNOWLEDGED -> {
                mailboxMetrics.refresh();
                yield outcomes.response(HttpStatus.OK, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL,
                        "Acknowledged; the message has left the mailbox", new HttpHeaders());
            }
        };
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> failed(Exception e) {
        return failures.failed(e, "The mailbox", "nothing was changed");
    }

    /** Only partners registered for mailbox delivery have one; anyone else's copies are posted to them. */
    private ResponseEntity<String> refuseUnlessMailbox(Partner partner) {
        if (partner.endpoint() == null || partner.endpoint().transport() != Transport.MAILBOX) {
            return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND,
                    "This partner has no mailbox on the gateway: its copies are delivered to its endpoint");
        }
        return null;
    }

    private ResponseEntity<String> notFound() {
        return outcomes.error(HttpStatus.NOT_FOUND, IssueType.NOTFOUND, "There is no message with this id in your mailbox");
    }

    private static Integer number(String value, int absent) {
        if (value == null) {
            return absent;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
