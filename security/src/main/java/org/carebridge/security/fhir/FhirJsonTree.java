package org.carebridge.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IJsonLikeParser;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.json.jackson.JacksonStructure;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.hl7.fhir.instance.model.api.IBaseResource;

import java.io.IOException;

/**
 * A FHIR JSON body read once into a tree, shared by every stage that needs it: HAPI builds its model from the tree (no
 * second text pass), and each recipient's copy is minimised from the same tree. Read as HAPI reads JSON itself
 * (decimals exact, trailing tokens refused), so the model is the one a text parse would give.
 */
public final class FhirJsonTree {

    private static final ObjectMapper MAPPER = mapper();

    private FhirJsonTree() {
    }

    /** The tree of a JSON body; an {@link IOException} for one that is not JSON. */
    public static JsonNode read(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    public static byte[] write(JsonNode tree) {
        try {
            return MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    /** HAPI's model of a JSON object read by {@link #read}, as {@code parseResource} of its text would give. */
    public static IBaseResource parse(FhirContext fhir, IParserErrorHandler errors, ObjectNode tree) {
        IJsonLikeParser parser = (IJsonLikeParser) fhir.newJsonParser().setParserErrorHandler(errors);
        JacksonStructure structure = new JacksonStructure();
        structure.setNativeObject(tree);
        return parser.parseResource(structure);
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS).build();
        mapper.setNodeFactory(new JsonNodeFactory(true));
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.disable(JsonParser.Feature.INCLUDE_SOURCE_IN_LOCATION);
        return mapper;
    }
}
