package org.carebridge.gateway.ig;

import org.carebridge.gateway.CarebridgeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Dev-only users: one per role, and a data directory from before the console's roles gets the new ones added. */
class IgUsersTest {

    @TempDir
    Path pki;

    @Test
    void anOlderDevUsersFileKeepsItsPasswordsAndGainsTheConsoleRoles() throws Exception {
        Files.writeString(pki.resolve(IgUsers.DEV_FILE), "ig-officer=old-officer-secret\nauditor=old-auditor-secret\n");
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

        List<UserDetails> users = IgUsers.load(new IgProperties(null, null), properties(), encoder);

        assertThat(users).extracting(UserDetails::getUsername).containsExactly("ig-officer", "auditor", "admin", "operator");
        assertThat(users.get(2).getAuthorities()).extracting(GrantedAuthority::getAuthority).containsExactly("ROLE_ADMIN");
        assertThat(encoder.matches("old-officer-secret", users.get(0).getPassword())).isTrue();
        Properties written = new Properties();
        try (Reader in = Files.newBufferedReader(pki.resolve(IgUsers.DEV_FILE))) {
            written.load(in);
        }
        assertThat(written.getProperty("auditor")).isEqualTo("old-auditor-secret");
        assertThat(written.getProperty("operator")).hasSizeGreaterThan(20);
        assertThat(encoder.matches(written.getProperty("operator"), users.get(3).getPassword())).isTrue();
    }

    private CarebridgeProperties properties() {
        return new CarebridgeProperties(pki.getParent(), pki.getParent(), new CarebridgeProperties.Pki(pki, true, null, null, List.of()),
                null, null, null);
    }
}
