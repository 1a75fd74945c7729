package org.carebridge.security.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.carebridge.security.RealConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class YamlDocumentTest {

    private static final String NESTED = """
            # a comment first
            name: example
            count: 3
            enabled: true
            nothing: ~
            day: 2026-01-01
            nested:
              inner:
                deeper: value
              list:
                - first
                - key: second
                  other: third
              flow: { a: 1, b: [x, y] }
            folded: >-
              one line
              and another
            after: last
            "a/b~c": escaped
            """;

    @TempDir
    Path dir;

    @Test
    void valuesBecomeJsonOfTheRightTypes() throws IOException {
        JsonNode root = YamlDocument.read(write(NESTED)).root();

        assertThat(root.path("name").isTextual()).isTrue();
        assertThat(root.path("count").isIntegralNumber()).isTrue();
        assertThat(root.path("count").asInt()).isEqualTo(3);
        assertThat(root.path("enabled").isBoolean()).isTrue();
        assertThat(root.path("nothing").isNull()).isTrue();
        assertThat(root.path("day").asText()).as("dates stay text").isEqualTo("2026-01-01");
        assertThat(root.at("/nested/list/1/other").asText()).isEqualTo("third");
        assertThat(root.at("/nested/flow/b/1").asText()).isEqualTo("y");
        assertThat(root.path("folded").asText()).isEqualTo("one line and another");
    }

    @Test
    void everyValueRemembersItsLine() throws IOException {
        YamlDocument document = YamlDocument.read(write(NESTED));

        assertThat(document.line("/name")).isEqualTo(2);
        assertThat(document.line("/count")).isEqualTo(3);
        assertThat(document.line("/nested/inner/deeper")).isEqualTo(9);
        assertThat(document.line("/nested/list/0")).isEqualTo(11);
        assertThat(document.line("/nested/list/1")).as("a mapping in a list starts at its first key").isEqualTo(12);
        assertThat(document.line("/nested/list/1/key")).isEqualTo(12);
        assertThat(document.line("/nested/list/1/other")).isEqualTo(13);
        assertThat(document.line("/nested/flow/a")).isEqualTo(14);
        assertThat(document.line("/nested/flow/b/1")).isEqualTo(14);
        assertThat(document.line("/folded")).as("a folded scalar is where its indicator is").isEqualTo(15);
        assertThat(document.line("/after")).isEqualTo(18);
        assertThat(document.line("/a~1b~0c")).isEqualTo(19);
    }

    @Test
    void aMissingValueTakesTheLineOfItsNearestAncestor() throws IOException {
        YamlDocument document = YamlDocument.read(write(NESTED));

        assertThat(document.line("/nested/inner/missing")).isEqualTo(document.line("/nested/inner"));
        assertThat(document.line("/nested/list/7/deep")).isEqualTo(document.line("/nested/list"));
        assertThat(document.line("/nowhere")).isEqualTo(document.line(""));
        assertThat(document.line("")).isEqualTo(2);
    }

    @Test
    void atPrefixesTheLine() throws IOException {
        YamlDocument document = YamlDocument.read(write(NESTED));

        assertThat(document.at("/nested/inner/deeper", "wrong")).isEqualTo("line 9: wrong");
        assertThat(document.file()).isEqualTo(dir.resolve("doc.yaml"));
    }

    @Test
    void theRealAgreementsKnowWhereTheirRulesAre() throws IOException {
        Path file = RealConfig.agreementsDir().resolve("placement-notification.yaml");
        YamlDocument document = YamlDocument.read(file);
        var lines = Files.readAllLines(file);

        int police = document.line("/rules/3/id");
        assertThat(lines.get(police - 1)).contains("- id: receiving-police-when-at-risk");
        assertThat(lines.get(document.line("/rules/3/condition") - 1)).contains("condition: >-");
        assertThat(lines.get(document.line("/validity/until") - 1)).contains("until: 2028-12-31");
    }

    @Test
    void invalidYamlIsReportedWithItsLine() throws IOException {
        Path file = write("a: 1\nb: 2\nc: d: e\nf: 4\n");

        ConfigurationException e = catchThrowableOfType(() -> YamlDocument.read(file), ConfigurationException.class);

        assertThat(e.getMessage()).startsWith(file + ": line 3: not valid YAML");
    }

    @Test
    void anUnclosedFlowSequenceIsReportedWhereTheParserNoticesIt() throws IOException {
        Path file = write("a: 1\nb: [1, 2\nc: 3\n");

        ConfigurationException e = catchThrowableOfType(() -> YamlDocument.read(file), ConfigurationException.class);

        assertThat(e.getMessage()).startsWith(file + ": line 3: not valid YAML");
    }

    @Test
    void aMissingFileIsAConfigurationProblem() {
        Path missing = dir.resolve("missing.yaml");

        ConfigurationException e = catchThrowableOfType(() -> YamlDocument.read(missing), ConfigurationException.class);

        assertThat(e.getMessage()).startsWith(missing + ": cannot be read");
    }

    @Test
    void anEmptyFileIsNull() throws IOException {
        assertThat(YamlDocument.read(write("")).root().isNull()).isTrue();
        assertThat(YamlDocument.read(write("# only a comment\n")).root().isNull()).isTrue();
    }

    @Test
    void schemaProblemsComeInLineOrderWithTheirLines() throws IOException {
        Path file = write("""
                id: x
                version: 0
                title: ""
                rules: []
                """);

        var problems = RealConfig.agreementSchema().problems(YamlDocument.read(file));

        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).matches("line \\d+: .* \\(agreement\\.schema\\.json\\)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("line 2: $.version"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("line 3: $.title"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("line 4: $.rules"));
        assertThat(problems.stream().map(p -> Integer.parseInt(p.substring(5, p.indexOf(':'))))).isSorted();
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("doc.yaml"), yaml);
    }
}
