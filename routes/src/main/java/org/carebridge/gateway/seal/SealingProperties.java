package org.carebridge.gateway.seal;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway's CMS keys.
 *
 * @param signingKeys identities that sign sealed copies: the newest currently valid one signs; the others stay listed
 *                    (and measured for expiry) until retired by removing them
 * @param decryptionKeys keys partners may encrypt inbound bodies to; every one listed is tried, so an old key keeps
 *                       working while partners move to the new certificate
 * @param crls CRL files (PEM or DER) checked when verifying partners' signatures; none means no revocation check
 * @param expiryWarning how long before a certificate expires a warning is raised
 */
@ConfigurationProperties("carebridge.sealing")
public record SealingProperties(List<KeyEntry> signingKeys, List<KeyEntry> decryptionKeys, List<Path> crls,
                                Duration expiryWarning) {

    public SealingProperties {
        signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
        decryptionKeys = decryptionKeys == null ? List.of() : List.copyOf(decryptionKeys);
        crls = crls == null ? List.of() : List.copyOf(crls);
        expiryWarning = expiryWarning == null ? Duration.ofDays(30) : expiryWarning;
    }

    /**
     * A key and its certificate: PEM files ({@code certificate} + {@code key}), a PKCS#12 store ({@code keystore},
     * {@code password}, optional {@code alias}), or a PKCS#11 token ({@code type: PKCS11}, {@code keystore} = the
     * SunPKCS11 configuration file naming the HSM library and slot, {@code password} = the token PIN, {@code alias}).
     */
    public record KeyEntry(Path certificate, Path key, Path keystore, String password, String alias, String type) {

        public static KeyEntry pem(Path certificate, Path key) {
            return new KeyEntry(certificate, key, null, null, null, null);
        }
    }
}
