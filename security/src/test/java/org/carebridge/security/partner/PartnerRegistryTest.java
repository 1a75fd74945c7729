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

    @Test
    void aPartnerAddedWhileRunningIsIdentifiedAndListenersHearOfIt() throws Exception {
        PartnerRegistry registry = PartnerRegistry.of("registry", List.of(partner("cs-alpha", pki.partnerCertificate("cs-alpha"))));
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        registry.addListener((before, after) -> heard.add((before == null ? "-" : before.name()) + ">" + (after == null ? "-" : after.name())));
        var snapshot = registry.all();

        Partner beta = partner("police-beta", null);
        registry.replace(beta, new PartnerRegistry.HeldCertificates(
                java.nio.file.Files.readString(pki.partnerCertificate("police-beta")),
                java.nio.file.Files.readString(pki.partnerEncryptionCertificate("police-beta"))));

        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("police-beta")))).contains(beta);
        assertThat(registry.heldEncryptionCertificate("police-beta")).contains(certificate(pki.partnerEncryptionCertificate("police-beta")));
        assertThat(registry.heldEncryptionCertificate("cs-alpha")).isEmpty();
        assertThat(registry.all()).extracting(Partner::id).containsExactly("cs-alpha", "police-beta");
        assertThat(snapshot).extracting(Partner::id).containsExactly("cs-alpha");

        Partner renamed = new Partner("police-beta", "Renamed", beta.kind(), beta.area(), beta.endpoint(), null, beta.roles());
        registry.replace(renamed);
        assertThat(registry.byId("police-beta")).contains(renamed);
        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("police-beta")))).contains(renamed);

        assertThat(registry.remove("police-beta")).isTrue();
        assertThat(registry.remove("police-beta")).isFalse();
        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("police-beta")))).isEmpty();
        assertThat(heard).containsExactly("->Partner police-beta", "Partner police-beta>Renamed", "Renamed>-");
    }

    @Test
    void aChangeWhoseCertificateCannotBeUsedChangesNothing() throws Exception {
        Partner alpha = partner("cs-alpha", pki.partnerCertificate("cs-alpha"));
        PartnerRegistry registry = PartnerRegistry.of("registry", List.of(alpha));
        List<Partner> heard = new java.util.ArrayList<>();
        registry.addListener((before, after) -> heard.add(after));

        ConfigurationException copy = failure(() -> registry.replace(partner("copycat", pki.partnerCertificate("cs-alpha"))));
        ConfigurationException garbage = failure(() -> registry.replace(partner("cs-alpha", null),
                new PartnerRegistry.HeldCertificates("not a certificate", null)));

        assertThat(copy.problems()).containsExactly("partner 'copycat': certificate is also registered to 'cs-alpha'");
        assertThat(garbage.problems()).singleElement().asString().contains("cs-alpha").contains("held in the registry");
        assertThat(registry.all()).containsExactly(alpha);
        assertThat(registry.byCertificate(certificate(pki.partnerCertificate("cs-alpha")))).contains(alpha);
        assertThat(heard).isEmpty();
    }

    @Test
    void concurrentChangesAllTakeEffect() throws Exception {
        PartnerRegistry registry = PartnerRegistry.of("registry", List.of(partner("cs-alpha", pki.partnerCertificate("cs-alpha"))));
        String pem = java.nio.file.Files.readString(pki.partnerCertificate("cs-alpha"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    registry.replace(new Partner("cs-alpha", "Name " + n, AgencyKind.POLICE, "E10000020",
                            new PartnerEndpoint(URI.create("https://h/a"), Transport.HTTPS, "fhir-json"), null, java.util.Set.of()),
                            new PartnerRegistry.HeldCertificates(pem, null));
                    registry.all().forEach(p -> assertThat(registry.certificate(p.id())).isNotNull());
                }));
            }
            for (var f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(registry.all()).singleElement().extracting(Partner::name).asString().startsWith("Name ");
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
