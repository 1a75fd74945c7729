package org.carebridge.gateway.seal;

import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.carebridge.security.crypto.DevPki;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CertificateLifecycleTest extends GatewayTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    CertificateWatch watch;

    @Test
    void daysToExpiryIsPublishedForEveryCertificateTheGatewayUses() {
        double partnerTls = meters.get("carebridge.certificate.expiry.days").tags("use", "partner-tls", "owner", "cs-suffolk").gauge().value();
        double partnerEncryption = meters.get("carebridge.certificate.expiry.days").tags("use", "partner-encryption", "owner", "vs-suffolk").gauge().value();
        double signing = meters.get("carebridge.certificate.expiry.days").tags("use", "signing", "owner", "gateway-0").gauge().value();
        double tls = meters.get("carebridge.certificate.expiry.days").tags("use", "tls", "owner", "gateway").gauge().value();

        // the dev PKI issues for 825 days
        assertThat(partnerTls).isBetween(820.0, 825.0);
        assertThat(partnerEncryption).isBetween(820.0, 825.0);
        assertThat(signing).isBetween(820.0, 825.0);
        assertThat(tls).isBetween(820.0, 825.0);
        // health teams take plain delivery and have no encryption certificate to watch
        assertThat(meters.find("carebridge.certificate.expiry.days").tags("use", "partner-encryption", "owner", "health-norfolk").gauge()).isNull();
    }

    @Test
    void aReplacedPartnerCertificateIsUsedWithoutARestartAndTheOldOneNoLongerIdentifiesThePartner() throws Exception {
        String partner = "yjs-norfolk";
        Path oldCert = Files.copy(PKI.partnerCertificate(partner), DATA_DIR.resolve("old-" + partner + ".crt.pem"), StandardCopyOption.REPLACE_EXISTING);
        Path oldKey = Files.copy(PKI.partnerKey(partner), DATA_DIR.resolve("old-" + partner + ".key.pem"), StandardCopyOption.REPLACE_EXISTING);
        Instant now = Instant.now();
        Path newCert = DATA_DIR.resolve("new-" + partner + ".crt.pem");
        Path newKey = DATA_DIR.resolve("new-" + partner + ".key.pem");
        PKI.issue(partner, DevPki.Use.TLS_CLIENT, DevPki.ecKeyPair(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(400)), newCert, newKey);

        Files.copy(newKey, PKI.partnerKey(partner), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(newCert, PKI.partnerCertificate(partner), StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(PKI.partnerCertificate(partner), java.nio.file.attribute.FileTime.from(now.plusSeconds(5)));
        assertThat(watch.reloadReplacedPartnerCertificates()).isTrue();

        HttpResponse<String> withNew = as(partner).processMessage(Examples.bytes(youthJusticeMessage()));
        assertThat(withNew.statusCode()).as(withNew.body()).isEqualTo(202);

        HttpResponse<String> withOld = PartnerClient.withCertificate(oldCert, oldKey, PKI.caCertificate(), baseUrl())
                .processMessage(Examples.bytes(youthJusticeMessage()));
        assertThat(withOld.statusCode()).isEqualTo(403);
        assertThat(withOld.body()).contains("not registered to any partner");
        assertThat(meters.get("carebridge.certificate.expiry.days").tags("use", "partner-tls", "owner", partner).gauge().value())
                .isBetween(398.0, 400.0);
    }

    private static String youthJusticeMessage() throws Exception {
        return Examples.withMessageId(Files.readString(Examples.CONFIG.resolve("examples/care-leaver-police-contact.json")), Examples.newMessageId())
                .replace("urn:carebridge:partner:police-norfolk", "urn:carebridge:partner:yjs-norfolk");
    }
}
