package org.carebridge.gateway.fhir;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The checks every FHIR JSON body from a partner passes before it is parsed: a bounded read, the content type and the
 * JSON nesting depth, strict UTF-8, no repeated keys, and a bounded number of Bundle entries. A failed check is a {@link Refused} that each endpoint turns into its own refusal.
 */
public final class FhirJsonBody {

    // A repeated key is refused, not resolved last-one-wins: two readers of one body must never see different values.
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private FhirJsonBody() {
    }

    /** Reads at most {@code maxBytes}; a longer body (declared or actual) is refused unread. */
    public static byte[] readBounded(HttpServletRequest request, int maxBytes) throws IOException {
        if (request.getContentLengthLong() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        } catch (BodyReadTimeout | SocketTimeoutException e) {
            throw new Refused(HttpStatus.REQUEST_TIMEOUT, IssueType.TIMEOUT, "too-slow",
                    "The body did not arrive in time; send it again at a normal rate");
        } catch (IOException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw new Refused(HttpStatus.REQUEST_TIMEOUT, IssueType.TIMEOUT, "too-slow",
                        "The body stopped arriving; send it again at a normal rate");
            }
            throw e;
        }
    }

    public static void checkContentType(String contentType) {
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.parseMediaType(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !("application".equals(type.getType())
                && ("fhir+json".equals(type.getSubtype()) || "json".equals(type.getSubtype())))) {
            throw new Refused(HttpStatus.UNSUPPORTED_MEDIA_TYPE, IssueType.NOTSUPPORTED, "content-type",
                    "Content-Type must be application/fhir+json");
        }
    }

    /** Well-formed UTF-8 JSON without repeated keys, no deeper than {@code maxDepth}, checked by streaming before any tree is built. */
    public static void checkJson(byte[] body, int maxDepth) {
        checkJson(body, maxDepth, Integer.MAX_VALUE);
    }

    /** As {@link #checkJson(byte[], int)}, and a top-level {@code entry} array of at most {@code maxEntries} items. */
    public static void checkJson(byte[] body, int maxDepth, int maxEntries) {
        checkUtf8(body);
        try (JsonParser parser = JSON.createParser(body)) {
            int depth = 0;
            int entryDepth = -1;
            int entries = 0;
            boolean entryNext = false;
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (depth == entryDepth && token != JsonToken.END_ARRAY && ++entries > maxEntries) {
                    throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.TOOCOSTLY, "too-many-entries",
                            "The Bundle has more entries than the limit of " + maxEntries);
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    if (++depth > maxDepth) {
                        throw new Refused(HttpStatus.BAD_REQUEST, IssueType.TOOCOSTLY, "too-deep",
                                "JSON nesting is deeper than the limit of " + maxDepth);
                    }
                    if (entryNext && token == JsonToken.START_ARRAY) {
                        entryDepth = depth;
                    }
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    if (depth == entryDepth) {
                        entryDepth = -1;
                    }
                    depth--;
                }
                entryNext = token == JsonToken.FIELD_NAME && depth == 1 && "entry".equals(parser.currentName());
            }
        } catch (StreamConstraintsException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.TOOCOSTLY, "too-costly", "The body exceeds a JSON size limit");
        } catch (JsonParseException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("Duplicate field")) {
                throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "duplicate-key", "The body repeats a JSON key (line "
                        + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "); each key may appear once");
            }
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "bad-json", "The body is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "bad-json", "The body cannot be read as JSON");
        }
    }

    /**
     * Strict UTF-8: an overlong form (C0 AF for '/') or an encoded surrogate is refused, not replaced with U+FFFD, so
     * what is checked is byte for byte what is parsed and delivered.
     */
    public static void checkUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new Refused(HttpStatus.BAD_REQUEST, IssueType.STRUCTURE, "bad-encoding", "The body is not well-formed UTF-8");
        }
    }

    /** HAPI's parser fails on some JSON shapes FHIR forbids (an array where an object belongs) with other than DataFormatException. */
    public static String shapeRefusal() {
        return "The body cannot be read as FHIR R4: an element has a JSON shape FHIR does not allow there";
    }

    private static Refused tooLarge(int maxBytes) {
        return new Refused(HttpStatus.PAYLOAD_TOO_LARGE, IssueType.TOOCOSTLY, "too-large",
                "The body is larger than the limit of " + maxBytes + " bytes");
    }

    /** A body refused before parsing. The message says what is wrong and is safe to return and to log. */
    public static final class Refused extends RuntimeException {

        private final HttpStatus status;
        private final IssueType issueType;
        private final String reason;

        Refused(HttpStatus status, IssueType issueType, String reason, String diagnostics) {
            super(diagnostics, null, false, false);
            this.status = status;
            this.issueType = issueType;
            this.reason = reason;
        }

        public HttpStatus status() {
            return status;
        }

        public IssueType issueType() {
            return issueType;
        }

        /** A short stable code: content-type, too-deep, bad-json, bad-encoding, duplicate-key, too-many-entries, too-large. */
        public String reason() {
            return reason;
        }
    }
}
