package org.carebridge.connectors.golden;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.connectors.ssda903.RowOutcome;

import java.io.IOException;
import java.util.List;

/** The golden form every file format's mapping tests compare with: one JSON object per outcome, the message as FHIR JSON. */
public final class GoldenOutcomes {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GoldenOutcomes() {
    }

    public static String golden(List<RowOutcome> outcomes) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (RowOutcome outcome : outcomes) {
            ObjectNode node = array.addObject();
            node.put("table", outcome.table());
            node.put("line", outcome.line());
            node.put("status", outcome.status().name());
            node.put("column", outcome.column());
            node.put("detail", outcome.detail());
            node.put("event", outcome.event());
            node.put("messageId", outcome.messageId());
            if (outcome.bundle() != null) {
                node.set("bundle", JSON.readTree(FHIR.newJsonParser().encodeResourceToString(outcome.bundle())));
            }
        }
        return JSON.writeValueAsString(array) + "\n";
    }
}
