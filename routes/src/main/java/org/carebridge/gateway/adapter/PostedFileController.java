package org.carebridge.gateway.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.CtfInbound;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.fhir.BodyReadTimeout;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerInbound;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /inbound} on the partner port: a partner configured with {@code inbound: {transport: https}} posts a file
 * in its own format (a CTF from a virtual school, a police event from a force), identified by its TLS client
 * certificate as for {@code $process-message}. The body goes to a work file (bounded), then down the
 * {@code inbound-https} route. The answer is a JSON acknowledgement listing every record's outcome; a file refused as a
 * whole is an OperationOutcome 4xx, and nothing in it was stored.
 */
@RestController
public class PostedFileController {

    public static final String PATH = "/inbound";
    private static final MediaType ACK = MediaType.APPLICATION_JSON;
    private static final Set<String> XML = Set.of("application/xml", "text/xml");
    private static final Set<String> JSON_TYPES = Set.of("application/json");

    private final ProducerTemplate route;
    private final OperationOutcomes outcomes;
    private final FailureOutcomes failures;
    private final ObjectMapper json = new ObjectMapper();
    private final Path work;
    private final long maxBytes;

    public PostedFileController(ProducerTemplate route, OperationOutcomes outcomes, FailureOutcomes failures,
                                CarebridgeProperties properties, @Value("${carebridge.formats.max-posted-bytes:33554432}") long maxBytes) {
        this.route = route;
        this.outcomes = outcomes;
        this.failures = failures;
        this.work = properties.dataDir().resolve("inbound-work");
        this.maxBytes = maxBytes;
    }

    @PostMapping(PATH)
    public ResponseEntity<String> post(HttpServletRequest request,
                                       @RequestAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) Partner sender) throws IOException {
        PartnerInbound inbound = sender.inbound();
        if (inbound == null || !inbound.posted()) {
            return outcomes.error(HttpStatus.FORBIDDEN, IssueType.FORBIDDEN, "This partner is not registered to post its own format "
                    + "(partners.yaml inbound: transport https); FHIR messages go to /fhir/$process-message");
        }
        boolean ctf = inbound.format().equals(CtfInbound.FORMAT);
        String type = request.getContentType() == null ? "" : request.getContentType().split(";")[0].strip().toLowerCase(Locale.ROOT);
        if (!(ctf ? XML : JSON_TYPES).contains(type)) {
            return outcomes.error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED, "This partner posts " + inbound.format()
                    + ", sent as " + (ctf ? "application/xml (or text/xml)" : "application/json"));
        }
        if (request.getContentLengthLong() > maxBytes) {
            return tooLarge();
        }
        Path folder = Files.createDirectories(work.resolve(sender.id()));
        Path file = folder.resolve("posted-" + UUID.randomUUID() + (ctf ? ".xml" : ".json"));
        try {
            if (!copyBounded(request, file)) {
                return tooLarge();
            }
            try (Acknowledgement ack = route.requestBody(PostedFileRoute.ENDPOINT,
                    new PostedFiles.PostedFile(sender, ctf ? "posted.xml" : "posted.json", file), Acknowledgement.class)) {
                if (ack.refused()) {
                    return outcomes.error(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.INVALID,
                            "The file was refused and nothing in it was stored: " + ack.fileProblem());
                }
                return ResponseEntity.ok().contentType(ACK).body(json(inbound.format(), ack));
            }
        } catch (BodyReadTimeout | SocketTimeoutException e) {
            return outcomes.error(HttpStatus.REQUEST_TIMEOUT, IssueType.TIMEOUT, "The body did not arrive in time; send it again at a normal rate");
        } catch (CamelExecutionException e) {
            Exception cause = e.getCause() instanceof Exception c ? c : e;
            return failures.failed(cause, "A posted " + inbound.format() + " file",
                    "records already accepted are kept; send the file again, and they come back duplicate");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Copies the body to the work file; false when it is longer than the limit (the copy is then deleted). */
    private boolean copyBounded(HttpServletRequest request, Path file) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = request.getInputStream(); OutputStream out = Files.newOutputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    return false;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            if (e.getCause() instanceof SocketTimeoutException timeout) {
                throw timeout;
            }
            throw e;
        }
        return true;
    }

    private ResponseEntity<String> tooLarge() {
        return outcomes.error(HttpStatus.PAYLOAD_TOO_LARGE, IssueType.TOOCOSTLY, "The body is larger than the limit of " + maxBytes + " bytes");
    }

    /** The acknowledgement as JSON: the same lines as an SFTP drop's .ack.csv. */
    private String json(String format, Acknowledgement ack) throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("format", format);
        root.put("file", "processed");
        root.put("summary", ack.summary());
        ArrayNode records = root.putArray("records");
        for (Acknowledgement.Line line : ack.lines()) {
            ObjectNode node = records.addObject();
            node.put("element", line.table());
            node.put("line", line.line());
            node.put("outcome", line.outcome().name().toLowerCase(Locale.ROOT));
            if (line.column() != null) {
                node.put("field", line.column());
            }
            if (line.detail() != null) {
                node.put("detail", line.detail());
            }
            if (line.event() != null) {
                node.put("event", line.event());
            }
            if (line.messageId() != null) {
                node.put("messageId", line.messageId());
            }
            if (line.trackingId() != null) {
                node.put("trackingId", line.trackingId());
            }
        }
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
