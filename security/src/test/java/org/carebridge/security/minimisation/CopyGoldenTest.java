package org.carebridge.security.minimisation;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.RealConfig;
import org.carebridge.security.fhir.FhirJsonTree;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example message's copy under every field profile is, byte for byte, the copy the minimiser wrote before it was
 * made cheaper: golden/copies.txt holds, per example and profile, the copy's length and SHA-256, written by the earlier
 * minimiser. Every way in is checked: from the JSON tree read at intake, one copy or all of a message's copies in one
 * go (as the intake makes them), and from the body's bytes. Rewrite the file
 * only for an intended change of a copy's content, with {@code -Dgolden.write=true}.
 */
class CopyGoldenTest {

    static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "copies.txt");

    private final CopyMinimiser minimiser = RealConfig.minimiser();

    @Test
    void everyCopyIsTheOneTheEarlierMinimiserWrote() throws IOException {
        List<String> lines = new ArrayList<>();
        List<String> profiles = RealConfig.profiles().names().stream().sorted().toList();
        List<FieldProfile> all = profiles.stream().map(name -> RealConfig.profiles().get(name).orElseThrow()).toList();
        for (Path example : RealConfig.messageExamples()) {
            byte[] body = Files.readAllBytes(example);
            JsonNode tree = FhirJsonTree.read(body);
            List<com.fasterxml.jackson.databind.node.ObjectNode> inOneGo = minimiser.minimise(tree, all);
            for (int i = 0; i < profiles.size(); i++) {
                String name = profiles.get(i);
                FieldProfile profile = all.get(i);
                byte[] fromTree = FhirJsonTree.write(minimiser.minimise(tree, profile));
                byte[] fromBytes = minimiser.minimise(body, profile);
                assertThat(new String(fromBytes, StandardCharsets.UTF_8)).as(example.getFileName() + " under " + name)
                        .isEqualTo(new String(fromTree, StandardCharsets.UTF_8));
                assertThat(new String(FhirJsonTree.write(inOneGo.get(i)), StandardCharsets.UTF_8))
                        .as(example.getFileName() + " under " + name + ", made with the other copies")
                        .isEqualTo(new String(fromTree, StandardCharsets.UTF_8));
                lines.add(example.getFileName() + " " + name + " " + fromTree.length + " " + sha256(fromTree));
            }
            assertThat(FhirJsonTree.write(tree)).as("the tree read at intake is not changed by minimising it")
                    .isEqualTo(FhirJsonTree.write(FhirJsonTree.read(body)));
        }
        if (Boolean.getBoolean("golden.write")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.write(GOLDEN, lines);
        }
        assertThat(lines).hasSizeGreaterThan(100).containsExactlyElementsOf(Files.readAllLines(GOLDEN));
    }


    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
