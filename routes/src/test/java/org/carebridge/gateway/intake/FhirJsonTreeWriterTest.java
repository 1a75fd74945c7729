package org.carebridge.gateway.intake;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.RowOutcome;
import org.carebridge.connectors.ssda903.Ssda903Reader;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.carebridge.gateway.support.Examples;
import org.carebridge.security.fhir.FhirJsonTree;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A mapped message encoded into a tree is the tree, and the text, that HAPI's own JSON text gives. */
class FhirJsonTreeWriterTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @TempDir
    Path dir;

    @Test
    void ssda903MessagesEncodeAsHapiWritesThem() throws IOException {
        List<Bundle> mapped = ssda903Messages();
        assertThat(mapped).hasSizeGreaterThanOrEqualTo(2);
        mapped.forEach(FhirJsonTreeWriterTest::assertSameAsHapiText);
    }

    /** What encoding without HAPI's reference containment relies on: no reference holds a resource object instead. */
    @Test
    void ssda903MessagesReferByUrlNeverByResourceObject() throws IOException {
        for (Bundle message : ssda903Messages()) {
            List<IBaseReference> references = message.getEntry().stream()
                    .flatMap(entry -> FHIR.newTerser().getAllPopulatedChildElementsOfType(entry.getResource(), IBaseReference.class).stream())
                    .toList();
            assertThat(references).isNotEmpty();
            assertThat(references).allSatisfy(reference -> {
                assertThat(reference.getResource()).isNull();
                assertThat(reference.getReferenceElement().getValue()).startsWith("urn:uuid:");
            });
        }
    }

    /**
     * The search for references to contain is off: a reference holding a resource object without an id is not made a
     * contained resource (HAPI's default encoder would walk every element for it), so encoding a mapped message does not
     * pay for the walk.
     */
    @Test
    void referencesAreNotSearchedForResourcesToContain() {
        ObjectNode tree = FhirJsonTreeWriter.encode(FHIR, referringToAResourceObject());
        assertThat(tree.path("entry").path(0).path("resource").has("contained")).isFalse();
        assertThat(tree.path("entry").path(0).path("resource").path("subject").has("reference")).isFalse();
        // what HAPI's default encoder makes of the same (its encoding also rewrites the reference, so a fresh Bundle)
        assertThat(FHIR.newJsonParser().encodeResourceToString(referringToAResourceObject())).contains("\"contained\"");
    }

    private static Bundle referringToAResourceObject() {
        Patient child = new Patient();
        child.addIdentifier().setSystem("https://example.org/child").setValue("C1");
        Observation observation = new Observation();
        observation.setId("o1");
        observation.setSubject(new Reference(child));
        Bundle bundle = new Bundle();
        bundle.setId("b1");
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.addEntry().setFullUrl("urn:uuid:o1").setResource(observation);
        return bundle;
    }

    @Test
    void everyExampleMessageEncodesAsHapiWritesIt() throws IOException {
        List<Path> examples;
        try (Stream<Path> files = Files.list(Examples.CONFIG.resolve("examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        int bundles = 0;
        for (Path example : examples) {
            IBaseResource resource = FHIR.newJsonParser().parseResource(Files.readString(example));
            if (resource instanceof Bundle bundle) {
                assertSameAsHapiText(bundle);
                bundles++;
            }
        }
        assertThat(bundles).isGreaterThan(10);
    }

    @Test
    void numbersAndBooleansAreTheNodesJacksonReads() {
        Observation observation = new Observation();
        observation.setId("o1");
        observation.setValue(new Quantity().setValueElement(new org.hl7.fhir.r4.model.DecimalType(new BigDecimal("1.50"))));
        observation.addExtension("https://example.org/count", new IntegerType(3));
        observation.addExtension("https://example.org/flag", new BooleanType(false));
        observation.addExtension("https://example.org/text", new StringType("a \"quoted\" <value> é"));
        Bundle bundle = new Bundle();
        bundle.setId("b1");
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTotal(2);
        bundle.addEntry().setFullUrl("urn:uuid:o1").setResource(observation);
        assertSameAsHapiText(bundle);
    }

    private static void assertSameAsHapiText(Bundle bundle) {
        byte[] text = FHIR.newJsonParser().encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
        ObjectNode tree = FhirJsonTreeWriter.encode(FHIR, bundle);
        try {
            assertThat(tree).isEqualTo(FhirJsonTree.read(text));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(new String(FhirJsonTree.write(tree), StandardCharsets.UTF_8)).isEqualTo(new String(text, StandardCharsets.UTF_8));
    }

    private List<Bundle> ssda903Messages() throws IOException {
        String placed = LocalDate.now().minusDays(2).format(java.time.format.DateTimeFormatter.ofPattern("dd/MM/yyyy"));
        Path zip = dir.resolve("return.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
             Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            out.putNextEntry(new ZipEntry("Header.csv"));
            text.write("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nT1,2,14/03/2012,WBRI,A123456789012,,\r\nT2,1,01/02/2010,,UN4,,\r\n");
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Episodes.csv"));
            text.write("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n"
                    + "T1," + placed + ",P,C2,N1,K2,PR4,,,CARPL,,,SC480321\r\n"
                    + "T2," + placed + ",T,C2,N1,T1,,,,,,NR1 1AA,\r\n");
            text.flush();
            out.closeEntry();
            out.putNextEntry(new ZipEntry("Missing.csv"));
            text.write("CHILD,DOB,MISSING,MIS_START,MIS_END\r\nT1,14/03/2012,M," + placed + ",\r\n");
            text.flush();
            out.closeEntry();
        }
        CollectionYears years = CollectionYears.load(Examples.CONFIG.resolve("formats/ssda903"));
        ChildrensHomes homes = ChildrensHomes.load(Examples.CONFIG.resolve("homes.yaml"));
        Ssda903Reader reader = new Ssda903Reader(new Ssda903Settings("cs-suffolk", "Suffolk County Council", "E10000029",
                years.year("2025-26").orElseThrow(), LocalDate.now().minusDays(30), Ssda903Settings.UnknownColumns.WARN), homes);
        List<Bundle> bundles = new ArrayList<>();
        reader.readCsvZip(zip, ZippedTables.Limits.DEFAULT, Instant.now(), row -> {
            if (row.status() == RowOutcome.Status.MAPPED) {
                bundles.add(row.bundle());
            }
        });
        return bundles;
    }
}
