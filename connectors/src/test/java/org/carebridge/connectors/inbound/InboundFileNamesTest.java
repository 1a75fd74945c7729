package org.carebridge.connectors.inbound;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Names a partner's server could offer for a file: only plain ones are fetched, and a refusal never echoes the name. */
class InboundFileNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"../etc/passwd", "..", "a/../../b.zip", "outbox/x.zip", "..\\windows\\x.zip", "C:\\x.zip",
            "/abs.zip", "x\0.zip", "a..b.zip"})
    void aNameThatCouldClimbOutOfItsFolderIsRefused(String name) {
        assertThat(InboundFileNames.problem(name)).contains("path traversal").doesNotContain(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {".hidden.zip", ".part", "-rf.zip", "naïve.zip", "x;rm.zip", "x\n.zip", "x%2e%2e.zip"})
    void aNameThatIsNotPlainIsRefused(String name) {
        assertThat(InboundFileNames.problem(name)).isNotNull().doesNotContain(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssda903_2025-26.zip", "Episodes 2026.csv", "EXPSSDA903.xml", "a"})
    void plainNamesAreFetched(String name) {
        assertThat(InboundFileNames.plain(name)).isTrue();
    }
}
