package org.carebridge.connectors.ctf;

import org.carebridge.security.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The register of DfE local authority numbers: read as the project reads every YAML file, and never ambiguous. */
class LocalAuthoritiesTest {

    @Test
    void theShippedRegisterTurnsANumberIntoItsArea() {
        assertThat(CtfFixtures.AUTHORITIES.area("935")).contains("E10000029");
        assertThat(CtfFixtures.AUTHORITIES.area("999")).isEmpty();
    }

    @Test
    void aNumberListedTwiceIsRefusedWithItsLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("local-authorities.yaml"),
                "local-authorities:\n  \"935\": E10000029\n  \"935\": E10000020\n");
        assertThatThrownBy(() -> LocalAuthorities.load(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("line 3").hasMessageContaining("935");
    }

    @Test
    void aNumberThatIsNotThreeDigitsOrAnAreaThatIsNotAnOnsCodeIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("local-authorities.yaml"), "local-authorities:\n  \"93\": E10000029\n  \"926\": Norfolk\n");
        assertThatThrownBy(() -> LocalAuthorities.load(file)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'93' is not a DfE local authority number").hasMessageContaining("926");
    }
}
