package org.carebridge.security.partner;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class PartnerRegistryTest {

    @TempDir
    static Path pkiDir;

    static DevPki pki;

    @BeforeAll
    static void issueCertificates() {
        pki = new DevPki(pkiDir);
        pki.ensure(List.of("cs-alpha", "police-beta"));
    }

    @Test
    void mapsEachCertificateToItsPartner() throws Exception {
        Partner alpha = partner("cs-alpha", pki.partnerCertificate("cs-alpha"));
        Partner beta = partner("police-beta", pki.partnerCertificate("police-beta"));

        PartnerRegistry registry = PartnerRegistry.of("partners.yaml", List.of(alpha, beta));

        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("cs-alpha")))).contains(alpha);
        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("police-beta")))).contains(beta);
        assertThat(registry.byId("police-beta")).contains(beta);
        assertThat(registry.byId("nobody")).isEmpty();
        assertThat(registry.all()).containsExactly(alpha, beta);
        assertThat(registry.certificate("cs-alpha")).isEqualTo(certificate(pki.partnerCertificate("cs-alpha")));
    }

    @Test
    void aCertificateOfNoPartnerIsNotRecognised() throws Exception {
        PartnerRegistry registry = PartnerRegistry.of("partners.yaml",
                List.of(partner("cs-alpha", pki.partnerCertificate("cs-alpha"))));

        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("police-beta")))).isEmpty();
        assertThat(registry.byCertificate(certificate(pki.caCertificate()))).isEmpty();
        assertThat(registry.byCertificate(certificate(pki.gatewayCertificate()))).isEmpty();
    }

    @Test
    void aMissingCertificateFileNamesThePartner() {
        Path missing = pkiDir.resolve("partners").resolve("ghost.crt.pem");

        ConfigurationException e = failure(() -> PartnerRegistry.of("my-partners.yaml",
                List.of(partner("cs-alpha", pki.partnerCertificate("cs-alpha")), partner("ghost", missing))));

        assertThat(e.getMessage()).startsWith("my-partners.yaml: ");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("partner 'ghost': certificate " + missing)
                .contains("cannot be used");
    }

    @Test
    void aFileWithoutACertificateIsRefused() {
        ConfigurationException e = failure(() -> PartnerRegistry.of("partners.yaml",
                List.of(partner("cs-alpha", pki.partnerKey("cs-alpha")))));

        assertThat(e.problems()).singleElement().asString().startsWith("partner 'cs-alpha': ").contains("no certificate");
    }

    @Test
    void theSameCertificateCannotIdentifyTwoPartners() {
        Path shared = pki.partnerCertificate("cs-alpha");

        ConfigurationException e = failure(() -> PartnerRegistry.of("partners.yaml",
                List.of(partner("cs-alpha", shared), partner("police-beta", shared))));

        assertThat(e.problems()).containsExactly("partner 'police-beta': certificate is also registered to 'cs-alpha'");
    }

    @Test
    void allCertificateProblemsAreReportedTogether() {
        Path shared = pki.partnerCertificate("cs-alpha");

        ConfigurationException e = failure(() -> PartnerRegistry.of("partners.yaml", List.of(
                partner("cs-alpha", shared), partner("copycat", shared), partner("ghost", pkiDir.resolve("nope.pem")))));

        assertThat(e.problems()).hasSize(2);
        assertThat(e.getMessage()).contains("partner 'copycat'").contains("partner 'ghost'");
    }

    private static Partner partner(String id, Path certificate) {
        return new Partner(id, "Partner " + id, AgencyKind.POLICE, "E10000020",
                new PartnerEndpoint(URI.create("https://h/" + id), Transport.HTTPS, "fhir-json"), certificate);
    }

    private static X509Certificate certificate(Path file) throws Exception {
        return Pem.readCertificates(file).get(0);
    }

    private static ConfigurationException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) thrown;
    }
}
