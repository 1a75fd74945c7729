package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.json.BaseJsonLikeWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * HAPI's JSON encoder writing straight into a Jackson tree, the tree {@code FhirJsonTree.read} would make of its text
 * (integers as the smallest node that holds them, decimals exact): a mapped message's tree without writing its text
 * through HAPI's generator and reading it back. The text is then written from the tree.
 */
final class FhirJsonTreeWriter extends BaseJsonLikeWriter {

    private static final JsonNodeFactory NODES = new JsonNodeFactory(true);
    private static volatile Encoding encoding;

    private final Deque<JsonNode> open = new ArrayDeque<>();
    private ObjectNode root;

    /**
     * The resource as HAPI encodes it to JSON, as a tree. Encoded with {@code fhir}'s model, but with HAPI's search for
     * references to contain turned off: HAPI walks every element of the Bundle, and again of each entry, looking for a
     * reference that holds a resource object without an id, to make it a contained resource. A mapped message's
     * references are fullUrls, never resource objects (our mappers build them so, and the tests check it), so the walk
     * finds nothing, and it was about a third of the encoding.
     */
    static ObjectNode encode(FhirContext fhir, IBaseResource resource) {
        FhirJsonTreeWriter writer = new FhirJsonTreeWriter();
        try {
            ((IJsonLikeParser) withoutContainment(fhir).newJsonParser()).encodeResourceToJsonLikeWriter(resource, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (writer.root == null || !writer.open.isEmpty()) {
            throw new IllegalStateException("HAPI's encoder left the JSON incomplete");
        }
        return writer.root;
    }

    /** The same model with reference containment off, made once for the gateway's context. */
    private static FhirContext withoutContainment(FhirContext fhir) {
        Encoding cached = encoding;
        if (cached != null && cached.model() == fhir) {
            return cached.withoutContainment();
        }
        FhirContext withoutContainment = new FhirContext(fhir.getVersion().getVersion());
        withoutContainment.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
        encoding = new Encoding(fhir, withoutContainment);
        return withoutContainment;
    }

    /** A context, and the same model's context that encodes without containment. */
    private record Encoding(FhirContext model, FhirContext withoutContainment) {
    }

    @Override
    public BaseJsonLikeWriter init() {
        return this;
    }

    @Override
    public BaseJsonLikeWriter flush() {
        return this;
    }

    @Override
    public void close() {
    }

    @Override
    public BaseJsonLikeWriter beginObject() {
        if (open.isEmpty()) {
            if (root != null) {
                throw new IllegalStateException("a second root object");
            }
            root = NODES.objectNode();
            open.push(root);
        } else {
            open.push(array().addObject());
        }
        return this;
    }

    @Override
    public BaseJsonLikeWriter beginObject(String name) {
        open.push(object().putObject(name));
        return this;
    }

    @Override
    public BaseJsonLikeWriter beginArray(String name) {
        open.push(object().putArray(name));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String value) {
        array().add(value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(BigInteger value) {
        array().add(integer(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(BigDecimal value) {
        array().add(value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(long value) {
        array().add(integer(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(double value) {
        array().add(decimal(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(Boolean value) {
        array().add(value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(boolean value) {
        array().add(value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter writeNull() {
        array().addNull();
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, String value) {
        object().put(name, value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, BigInteger value) {
        object().set(name, integer(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, BigDecimal value) {
        object().put(name, value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, long value) {
        object().set(name, integer(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, double value) {
        object().set(name, decimal(value));
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, Boolean value) {
        object().put(name, value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter write(String name, boolean value) {
        object().put(name, value);
        return this;
    }

    @Override
    public BaseJsonLikeWriter endObject() {
        if (!(open.pop() instanceof ObjectNode)) {
            throw new IllegalStateException("an object ended where an array was open");
        }
        return this;
    }

    @Override
    public BaseJsonLikeWriter endArray() {
        if (!(open.pop() instanceof ArrayNode)) {
            throw new IllegalStateException("an array ended where an object was open");
        }
        return this;
    }

    @Override
    public BaseJsonLikeWriter endBlock() {
        open.pop();
        return this;
    }

    private ObjectNode object() {
        if (!(open.peek() instanceof ObjectNode object)) {
            throw new IllegalStateException("a named value outside an object");
        }
        return object;
    }

    private ArrayNode array() {
        if (!(open.peek() instanceof ArrayNode array)) {
            throw new IllegalStateException("an unnamed value outside an array");
        }
        return array;
    }

    /** As Jackson reads an integer: an int node when it fits, else a long, else a big integer. */
    private static JsonNode integer(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static JsonNode integer(BigInteger value) {
        return value.bitLength() < 64 ? integer(value.longValue()) : NODES.numberNode(value);
    }

    /** As Jackson reads a float with decimals exact: the decimal of its text. */
    private static JsonNode decimal(double value) {
        return NODES.numberNode(new BigDecimal(Double.toString(value)));
    }
}
