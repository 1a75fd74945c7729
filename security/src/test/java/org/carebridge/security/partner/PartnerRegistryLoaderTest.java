package org.carebridge.security.partner;

import org.carebridge.security.RealConfig;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.carebridge.security.config.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.entry;

class PartnerRegistryLoaderTest {

    private static final Map<String, String> VALUES = Map.of(
            "carebridge.demo-partners.base-url", "https://localhost:9443",
            "carebridge.pki.dir", "/tmp/pki");

    private final PartnerRegistryLoader loader = new PartnerRegistryLoader(VALUES::get);

    @TempDir
    Path dir;

    @Test
    void theRealPartnersFileLoads() {
        List<Partner> partners = loader.read(RealConfig.partnersYaml());

        assertThat(partners).extracting(Partner::id).containsExactly(
                "cs-suffolk", "cs-norfolk", "health-norfolk", "health-suffolk",
                "vs-suffolk", "vs-norfolk", "police-norfolk", "yjs-norfolk",
                "mash-norfolk", "mash-suffolk", "police-suffolk", "yjs-suffolk",
                "cs-cambridgeshire", "health-cambridgeshire", "cs-peterborough", "norfolk-police-district-leads", "norfolk-corporate-parenting-board", "ofsted");
        assertThat(partners.stream().collect(Collectors.toMap(Partner::id, Partner::kind))).containsOnly(
                entry("cs-suffolk", AgencyKind.CHILDRENS_SERVICES), entry("cs-norfolk", AgencyKind.CHILDRENS_SERVICES),
                entry("health-norfolk", AgencyKind.HEALTH), entry("health-suffolk", AgencyKind.HEALTH),
                entry("vs-suffolk", AgencyKind.VIRTUAL_SCHOOL), entry("vs-norfolk", AgencyKind.VIRTUAL_SCHOOL),
                entry("police-norfolk", AgencyKind.POLICE), entry("yjs-norfolk", AgencyKind.YOUTH_JUSTICE),
                entry("mash-norfolk", AgencyKind.SAFEGUARDING_HUB), entry("mash-suffolk", AgencyKind.SAFEGUARDING_HUB),
                entry("police-suffolk", AgencyKind.POLICE), entry("yjs-suffolk", AgencyKind.YOUTH_JUSTICE),
                entry("cs-cambridgeshire", AgencyKind.CHILDRENS_SERVICES), entry("health-cambridgeshire", AgencyKind.HEALTH),
                entry("cs-peterborough", AgencyKind.CHILDRENS_SERVICES),
                entry("norfolk-police-district-leads", AgencyKind.OVERSIGHT),
                entry("norfolk-corporate-parenting-board", AgencyKind.OVERSIGHT), entry("ofsted", AgencyKind.REGULATOR));
        assertThat(partners.stream().collect(Collectors.toMap(Partner::id, Partner::area))).containsOnly(
                entry("cs-suffolk", "E10000029"), entry("health-suffolk", "E10000029"), entry("vs-suffolk", "E10000029"),
                entry("cs-norfolk", "E10000020"), entry("health-norfolk", "E10000020"), entry("vs-norfolk", "E10000020"),
                entry("police-norfolk", "E10000020"), entry("yjs-norfolk", "E10000020"),
                entry("mash-norfolk", "E10000020"), entry("mash-suffolk", "E10000029"),
                entry("police-suffolk", "E10000029"), entry("yjs-suffolk", "E10000029"),
                entry("cs-cambridgeshire", "E10000003"), entry("health-cambridgeshire", "E10000003"),
                entry("cs-peterborough", "E06000031"),
                entry("norfolk-police-district-leads", "E10000020"), entry("norfolk-corporate-parenting-board", "E10000020"),
                entry("ofsted", "E10000020"));
        assertThat(partners).filteredOn(p -> !p.area().equals("E10000003")).allSatisfy(p -> {
            assertThat(p.name()).isNotBlank();
            assertThat(p.endpoint().format()).isEqualTo("fhir-json");
            assertThat(p.certificate()).isEqualTo(Path.of("/tmp/pki/partners/" + p.id() + ".crt.pem"));
            if (p.id().equals("cs-peterborough")) {
                // pulls from its mailbox on the gateway: nothing to post to
                assertThat(p.endpoint().transport()).isEqualTo(Transport.MAILBOX);
                assertThat(p.endpoint().url()).isNull();
                return;
            }
            assertThat(p.endpoint().url().toString()).startsWith("https://localhost:9443/");
            assertThat(p.endpoint().transport())
                    .isEqualTo(p.kind() == AgencyKind.HEALTH ? Transport.FHIR_REST : Transport.HTTPS);
        });
        // the partners with no system integration: a readable notice over SFTP, and secure email
        Map<String, PartnerEndpoint> other = partners.stream().filter(p -> p.area().equals("E10000003"))
                .collect(Collectors.toMap(Partner::id, Partner::endpoint));
        assertThat(other.get("cs-cambridgeshire").transport()).isEqualTo(Transport.SFTP);
        assertThat(other.get("cs-cambridgeshire").format()).isEqualTo(PartnerEndpoint.NOTICE_HTML);
        assertThat(other.get("health-cambridgeshire").transport()).isEqualTo(Transport.SMTP);
        assertThat(other.get("health-cambridgeshire").mailTo()).isEqualTo("cic-health@cambridgeshire.demo-partners.test");
    }

    @Test
    void aMailboxPartnerNeedsNoUrlButEveryOtherTransportDoes() throws Exception {
        String mailbox = partner("cs-x", "childrens-services", "E06000031", "https://unused.example", "mailbox", "cs-x.pem")
                .replaceAll("(?m)^      url: .*\n", "");
        Partner loaded = loader.read(write(mailbox)).get(0);
        assertThat(loaded.endpoint().transport()).isEqualTo(Transport.MAILBOX);
        assertThat(loaded.endpoint().url()).isNull();

        String https = partner("cs-y", "childrens-services", "E06000031", "https://unused.example", "https", "cs-y.pem")
                .replaceAll("(?m)^      url: .*\n", "");
        assertProblem(write(https), "partner 'cs-y'", "endpoint.url must be an https:// URL");
    }

    @Test
    void everyRealPartnerIsEitherSealedToOrExplicitlyPlain() {
        for (Partner partner : loader.read(RealConfig.partnersYaml())) {
            assertThat(partner.sealing().plainOnly() || partner.sealing().encryptionCertificate() != null)
                    .as(partner.id()).isTrue();
        }
    }

    @Test
    void aPartnerWithoutAnEncryptionCertificateMustSayItTakesPlainDelivery() throws Exception {
        String entry = partner("police-x", "police", "E10000020", "https://police.example", "https", "police.pem")
                .replaceAll("(?m)^    encryption-certificate: .*\n", "");
        assertProblem(write(entry), "partner 'police-x'", "encryption-certificate is missing");

        Path plain = write(entry.replace("      format: fhir-json\n", "      format: fhir-json\n      delivery: plain-mtls\n"));
        Partner partner = loader.read(plain).get(0);
        assertThat(partner.sealing().plainOnly()).isTrue();
        assertThat(partner.sealing().encryptionCertificate()).isNull();

        assertProblem(write(entry.replace("      format: fhir-json\n", "      format: fhir-json\n      delivery: postcard\n")),
                "partner 'police-x'", "endpoint.delivery 'postcard' is not one of [sealed, plain-mtls]");
    }

    @Test
    void aPartnerMayNeedItsCopiesInOrderPerChildAndTakesThemInAnyOrderOtherwise() throws Exception {
        String entry = partner("mash-x", "safeguarding-hub", "E10000020", "https://mash.example", "https", "mash.pem");
        assertThat(loader.read(write(entry)).get(0).copyOrder()).isEqualTo(CopyOrder.ANY);
        assertThat(loader.read(write(entry + "    delivery-order: per-child\n")).get(0).copyOrder()).isEqualTo(CopyOrder.PER_CHILD);
        assertThat(loader.read(write(entry + "    delivery-order: any\n")).get(0).copyOrder()).isEqualTo(CopyOrder.ANY);
        assertProblem(write(entry + "    delivery-order: per-record\n"), "partner 'mash-x'",
                "delivery-order 'per-record' is not one of [any, per-child]");
        assertThat(loader.read(RealConfig.partnersYaml()).stream().filter(p -> p.copyOrder() == CopyOrder.PER_CHILD))
                .extracting(Partner::id).containsExactly("mash-suffolk");
    }

    @Test
    void aPartnerCanBeRequiredToSignWhatItSends() throws Exception {
        String entry = partner("police-x", "police", "E10000020", "https://police.example", "https", "police.pem")
                + "    intake:\n      require-signature: true\n";
        Partner partner = loader.read(write(entry)).get(0);
        assertThat(partner.sealing().requireSignature()).isTrue();
        assertThat(partner.sealing().encryptionCertificate()).hasToString("police.encryption.pem");
    }

    @Test
    void fhirRestPartnersAreSentToProcessMessageAndHttpsPartnersToTheirUrl() {
        Map<String, Partner> byId = loader.read(RealConfig.partnersYaml()).stream()
                .collect(Collectors.toMap(Partner::id, Function.identity()));

        PartnerEndpoint health = byId.get("health-norfolk").endpoint();
        assertThat(health.deliveryUri()).isEqualTo(URI.create("https://localhost:9443/fhir/health-norfolk/$process-message"));
        assertThat(health.deliveryUri().toString()).endsWith("/$process-message");
        PartnerEndpoint cs = byId.get("cs-norfolk").endpoint();
        assertThat(cs.deliveryUri()).isEqualTo(URI.create("https://localhost:9443/partners/cs-norfolk"));
    }

    @Test
    void aTrailingSlashIsNotDoubled() {
        PartnerEndpoint endpoint = new PartnerEndpoint(URI.create("https://h/fhir/"), Transport.FHIR_REST, "fhir-json");
        assertThat(endpoint.deliveryUri()).isEqualTo(URI.create("https://h/fhir/$process-message"));
    }

    @Test
    void aValidSmallFileLoads() throws IOException {
        Path file = write(partner("p-one", "health", "E10000020", "https://h/fhir", "fhir-rest", "/c/p-one.pem"));

        assertThat(loader.read(file)).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("p-one");
            assertThat(p.kind()).isEqualTo(AgencyKind.HEALTH);
            assertThat(p.endpoint().transport()).isEqualTo(Transport.FHIR_REST);
        });
    }

    @Test
    void anUnknownKindIsRefused() throws IOException {
        Path file = write(partner("x", "spy-agency", "E10000020", "https://h/x", "https", "/c/x.pem"));

        assertProblem(file, "partner 'x'", "kind 'spy-agency' is not one of");
    }

    @Test
    void theGatewaysOwnIdIsReserved() throws IOException {
        Path file = write(partner(Partner.GATEWAY_ID, "police", "E10000020", "https://h/x", "https", "/c/x.pem"));

        assertProblem(file, "partner '" + Partner.GATEWAY_ID + "'", "id is reserved for the gateway itself");
    }

    @Test
    void aDuplicateIdIsRefused() throws IOException {
        Path file = write(partner("dup", "police", "E10000020", "https://h/a", "https", "/c/a.pem")
                + partner("dup", "health", "E10000020", "https://h/b", "https", "/c/b.pem"));

        assertProblem(file, "partner 'dup'", "id is used by another partner");
    }

    @Test
    void aNonHttpsUrlIsRefused() throws IOException {
        Path file = write(partner("plain", "police", "E10000020", "http://h/plain", "https", "/c/p.pem"));

        assertProblem(file, "partner 'plain'", "endpoint.url must be an https:// URL");
    }

    @Test
    void aBadAreaIsRefused() throws IOException {
        Path file = write(partner("x", "police", "Norfolk", "https://h/x", "https", "/c/x.pem"));

        assertProblem(file, "partner 'x'", "area 'Norfolk' is not a local authority code");
    }

    @Test
    void aMissingCertificateIsRefused() throws IOException {
        Path file = write(partner("x", "police", "E10000020", "https://h/x", "https", null));

        assertProblem(file, "partner 'x'", "certificate is missing");
    }

    @Test
    void anUnresolvedPlaceholderIsRefused() throws IOException {
        Path file = write(partner("x", "police", "E10000020", "https://h/x", "https", "${carebridge.nowhere}/x.pem"));

        assertProblem(file, "partner 'x'", "unresolved placeholder ${carebridge.nowhere}");
    }

    @Test
    void anUnknownTransportIsRefused() throws IOException {
        Path file = write(partner("x", "police", "E10000020", "https://h/x", "carrier-pigeon", "/c/x.pem"));

        assertProblem(file, "partner 'x'", "endpoint.transport 'carrier-pigeon' is not one of");
    }

    @Test
    void everyProblemInTheFileIsReportedTogether() throws IOException {
        Path file = write(partner("fine", "police", "E10000020", "https://h/fine", "https", "/c/fine.pem")
                + partner("bad-kind", "spy-agency", "E10000020", "https://h/a", "https", "/c/a.pem")
                + partner("bad-url", "health", "E10000020", "http://h/b", "https", "/c/b.pem")
                + partner("two-faults", "health", "somewhere", "https://h/c", "https", null));

        ConfigurationException e = failure(() -> loader.read(file));

        assertThat(e.problems()).containsExactly(
                "partner 'bad-kind': kind 'spy-agency' is not one of " + AgencyKind.codes(),
                "partner 'bad-url': endpoint.url must be an https:// URL",
                "partner 'two-faults': area 'somewhere' is not a local authority code (e.g. E10000020)",
                "partner 'two-faults': certificate is missing (path of the partner's PEM client certificate, or certificate-pem)",
                "partner 'two-faults': encryption-certificate is missing: copies are sealed to it (or set endpoint.delivery: "
                        + "plain-mtls for a partner that cannot decrypt yet)");
        assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("'fine'");
    }

    @Test
    void theDemoChildrensServicesPartnerDropsSsda903OverSftp() {
        Partner suffolk = loader.read(RealConfig.partnersYaml()).stream().filter(p -> p.id().equals("cs-suffolk")).findFirst().orElseThrow();
        PartnerInbound inbound = suffolk.inbound();
        assertThat(inbound.transport()).isEqualTo("sftp");
        assertThat(inbound.format()).isEqualTo("ssda903-csv");
        assertThat(inbound.host()).isEqualTo("127.0.0.1");
        assertThat(inbound.port()).isEqualTo(2222);
        assertThat(inbound.folder()).isEqualTo("outbox");
        assertThat(inbound.passwordFile()).isEqualTo(Path.of("/tmp/pki/demo-sftp/cs-suffolk.password.dev-only.txt"));
        assertThat(inbound.collectionYear()).isEqualTo("2025-26");
        assertThat(inbound.newEpisodesWithin()).isEqualTo(java.time.Period.ofDays(90));
        assertThat(inbound.pollDelay()).isEqualTo(java.time.Duration.ofSeconds(5));
    }

    @Test
    void anInboundFormatAndTransportAreValidated() throws IOException {
        String cs = partner("cs-x", "childrens-services", "E10000020", "https://h/cs", "https", "/c/cs.pem");
        String good = "    inbound:\n      transport: sftp\n      format: ssda903-xml\n      url: sftp://sftp.example:2022/out\n"
                + "      username: gw\n      password-file: /run/secrets/sftp\n      known-hosts: /etc/known_hosts\n"
                + "      collection-year: 2025-26\n";
        PartnerInbound inbound = loader.read(write(cs + good)).get(0).inbound();
        assertThat(inbound.port()).isEqualTo(2022);
        assertThat(inbound.ackFolder()).isEqualTo("ack");
        assertThat(inbound.newEpisodesWithin()).isEqualTo(java.time.Period.ofDays(30));
        assertThat(inbound.unknownColumns()).isEqualTo("warn");

        assertThat(failure(() -> loader.read(write(cs + good.replace("transport: sftp", "transport: floppy")
                .replace("ssda903-xml", "ctf-xml").replace("sftp://sftp.example:2022/out", "sftp://sftp.example/../etc")
                .replace("2025-26", "2025") + "      poll-delay: soon\n      password: hunter2\n"))).problems()).containsExactly(
                "partner 'cs-x': inbound.password is not a setting ([enabled, transport, format, url, username, password-file, known-hosts, "
                        + "ack-folder, collection-year, new-episodes-within, new-episodes, unknown-columns, poll-delay])",
                "partner 'cs-x': inbound.transport 'floppy' is not one of [sftp, https]",
                "partner 'cs-x': inbound.format ctf-xml is a school's transfer file, sent by a virtual school; this partner is childrens-services",
                "partner 'cs-x': inbound.url must be sftp://host[:port]/outbox-folder (no '..')",
                "partner 'cs-x': inbound.poll-delay is not an ISO 8601 duration (e.g. PT30S)");
        assertThat(loader.read(write(cs + good + "      enabled: false\n")).get(0).inbound()).isNull();
        String police = partner("police-x", "police", "E10000020", "https://h/p", "https", "/c/p.pem");
        assertProblem(write(police + good), "partner 'police-x'",
                "inbound.format ssda903-xml is a children's services return; this partner is police");
        assertProblem(write(cs + "    intake:\n      require-signature: true\n" + good), "partner 'cs-x'",
                "inbound: rows mapped from a file carry no CMS signature, so intake.require-signature cannot be true");
        assertProblem(write(cs + good.replace("      password-file: /run/secrets/sftp\n", "")), "partner 'cs-x'",
                "inbound.password-file is missing");
    }

    @Test
    void aVirtualSchoolPostsCtfFilesAndAPoliceForceItsEventsOverHttps() throws IOException {
        List<Partner> demo = loader.read(RealConfig.partnersYaml());
        PartnerInbound school = demo.stream().filter(p -> p.id().equals("vs-suffolk")).findFirst().orElseThrow().inbound();
        assertThat(school.posted()).isTrue();
        assertThat(school.format()).isEqualTo("ctf-xml");
        PartnerInbound police = demo.stream().filter(p -> p.id().equals("police-norfolk")).findFirst().orElseThrow().inbound();
        assertThat(police.posted()).isTrue();
        assertThat(police.format()).isEqualTo("police-event-json");

        String vs = partner("vs-x", "virtual-school", "E10000020", "https://h/vs", "https", "/c/vs.pem");
        String posted = "    inbound:\n      transport: https\n      format: ctf-xml\n      new-episodes-within: P60D\n";
        PartnerInbound inbound = loader.read(write(vs + posted)).get(0).inbound();
        assertThat(inbound.newEpisodesWithin()).isEqualTo(java.time.Period.ofDays(60));
        assertThat(inbound.url()).isNull();
        assertProblem(write(vs + posted + "      url: sftp://h/out\n"), "partner 'vs-x'",
                "inbound.url is an SFTP setting; an https inbound is posted to the partner port");
        assertProblem(write(vs + posted.replace("ctf-xml", "police-event-json")), "partner 'vs-x'",
                "inbound.format police-event-json is a police force's event; this partner is virtual-school");
        assertProblem(write(vs + posted.replace("transport: https", "transport: sftp")), "partner 'vs-x'",
                "inbound.format ctf-xml comes over https, not sftp");
        assertProblem(write(vs + posted + "      new-episodes: since-last-file\n"), "partner 'vs-x'",
                "inbound.new-episodes since-last-file is for SSDA903 returns only");
    }

    @Test
    void newEpisodesSinceTheLastFileIsASettingOfSsda903Returns() throws IOException {
        String cs = partner("cs-x", "childrens-services", "E10000020", "https://h/cs", "https", "/c/cs.pem");
        String good = "    inbound:\n      transport: sftp\n      format: ssda903-csv\n      url: sftp://sftp.example/out\n"
                + "      username: gw\n      password-file: /run/secrets/sftp\n      known-hosts: /etc/known_hosts\n"
                + "      collection-year: 2025-26\n";
        assertThat(loader.read(write(cs + good)).get(0).inbound().newEpisodes()).isEqualTo("window");
        assertThat(loader.read(write(cs + good + "      new-episodes: since-last-file\n")).get(0).inbound().newEpisodes())
                .isEqualTo("since-last-file");
        assertProblem(write(cs + good + "      new-episodes: whenever\n"), "partner 'cs-x'",
                "inbound.new-episodes 'whenever' is not one of [window, since-last-file]");
    }

    @Test
    void aFileWithoutPartnersIsRefused() throws IOException {
        Path file = write("partners: []\n");

        ConfigurationException e = failure(() -> loader.read(file));

        assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("expected a non-empty list under 'partners'");
    }

    @Test
    void certificatesMayBeGivenInlineAsPem() throws Exception {
        org.carebridge.security.crypto.DevPki pki = new org.carebridge.security.crypto.DevPki(dir.resolve("pki"));
        pki.ensure(List.of("inline"));
        String entry = partner("inline", "police", "E10000020", "https://h/inline", "https", null)
                + "    certificate-pem: |\n" + indent(Files.readString(pki.partnerCertificate("inline")))
                + "    encryption-certificate-pem: |\n" + indent(Files.readString(pki.partnerEncryptionCertificate("inline")));

        Partner partner = loader.read("export", "partners:\n" + entry).get(0);

        assertThat(partner.certificate()).isNull();
        assertThat(partner.sealing().encryptionCertificate()).isNull();
        assertThat(partner.sealing().plainOnly()).isFalse();
    }

    @Test
    void anInlineCertificateMustBePemAndNotBesideAFile() {
        String entry = partner("x", "police", "E10000020", "https://h/x", "https", "/c/x.pem")
                + "    certificate-pem: not a certificate\n";

        ConfigurationException e = failure(() -> loader.read("export", "partners:\n" + entry));

        assertThat(e.problems()).contains("partner 'x': give certificate (a file) or certificate-pem, not both",
                "partner 'x': certificate-pem is not a PEM certificate");
    }

    private static String indent(String pem) {
        return pem.lines().map(l -> "      " + l + "\n").collect(java.util.stream.Collectors.joining());
    }

    private void assertProblem(Path file, String partner, String problem) {
        ConfigurationException e = failure(() -> loader.read(file));
        assertThat(e.getMessage()).contains(file.toString()).contains(partner + ": " + problem);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(partner + ": ").contains(problem));
    }

    static ConfigurationException failure(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(ConfigurationException.class);
        return (ConfigurationException) thrown;
    }

    private Path write(String partners) throws IOException {
        Path file = dir.resolve("partners.yaml");
        Files.writeString(file, "partners:\n" + partners);
        return file;
    }

    /** One partner entry; a null value leaves its line out. */
    @Test
    void anSftpPartnerHasItsInboxFolderAndLogin() throws IOException {
        Path file = write(partner("vs-sftp", "virtual-school", "E10000020", "sftp://files.example:2022/inbox", "sftp", "/c/v.pem")
                .replace("      format: fhir-json\n", "      format: notice-html\n      username: carebridge\n"
                        + "      password-file: /run/secrets/v-sftp\n      known-hosts: /c/v.known_hosts\n"));

        PartnerEndpoint endpoint = loader.read(file).get(0).endpoint();
        assertThat(endpoint.transport()).isEqualTo(Transport.SFTP);
        assertThat(endpoint.format()).isEqualTo(PartnerEndpoint.NOTICE_HTML);
        assertThat(endpoint.host()).isEqualTo("files.example");
        assertThat(endpoint.port()).isEqualTo(2022);
        assertThat(endpoint.folder()).isEqualTo("inbox");
        assertThat(endpoint.login()).isEqualTo(new PartnerEndpoint.Login("carebridge", Path.of("/run/secrets/v-sftp"), Path.of("/c/v.known_hosts")));
    }

    @Test
    void anSftpPartnerWithoutItsHostKeyOrWithAClimbingFolderIsRefused() throws IOException {
        assertProblem(write(partner("vs-sftp", "virtual-school", "E10000020", "sftp://files.example/inbox", "sftp", "/c/v.pem")
                        .replace("      format: fhir-json\n", "      format: fhir-json\n      username: u\n      password-file: /p\n")),
                "partner 'vs-sftp'", "endpoint.known-hosts is missing");
        assertProblem(write(partner("vs-sftp", "virtual-school", "E10000020", "sftp://files.example/../etc", "sftp", "/c/v.pem")),
                "partner 'vs-sftp'", "endpoint.url must be sftp://host[:port]/inbox-folder (no '..')");
    }

    @Test
    void aSecureEmailPartnerHasItsMailboxAndNeedsACertificateToEncryptTo() throws IOException {
        String yjs = partner("yjs-mail", "youth-justice", "E10000020", "smtp://mail.example:2525", "smtp", "/c/y.pem")
                .replace("      format: fhir-json\n", "      format: notice-html\n      mail-to: yjs@partner.example\n");
        PartnerEndpoint endpoint = loader.read(write(yjs)).get(0).endpoint();
        assertThat(endpoint.transport()).isEqualTo(Transport.SMTP);
        assertThat(endpoint.mailTo()).isEqualTo("yjs@partner.example");
        assertThat(endpoint.port()).isEqualTo(2525);
        assertThat(endpoint.login()).isNull();

        assertProblem(write(yjs.replace("      mail-to: yjs@partner.example\n", "")), "partner 'yjs-mail'",
                "endpoint.mail-to must be the partner's secure mailbox address");
        assertProblem(write(yjs.replace("      format: notice-html\n", "      format: notice-html\n      delivery: plain-mtls\n")),
                "partner 'yjs-mail'", "endpoint.transport smtp encrypts every message to encryption-certificate");
    }

    @Test
    void theNoticeFormatIsNotForHttpsPartners() throws IOException {
        assertProblem(write(partner("x", "police", "E10000020", "https://h/x", "https", "/c/x.pem")
                        .replace("format: fhir-json", "format: notice-html")),
                "partner 'x'", "endpoint.format notice-html is for the sftp and smtp transports");
    }

    private static String partner(String id, String kind, String area, String url, String transport, String certificate) {
        StringBuilder yaml = new StringBuilder("  - id: " + id + "\n    name: Partner " + id + "\n");
        yaml.append("    kind: ").append(kind).append('\n');
        yaml.append("    area: ").append(area).append('\n');
        yaml.append("    endpoint:\n      url: ").append(url).append("\n      transport: ").append(transport)
                .append("\n      format: fhir-json\n");
        if (certificate != null) {
            yaml.append("    certificate: ").append(certificate).append('\n');
            yaml.append("    encryption-certificate: ").append(certificate.replace(".pem", ".encryption.pem")).append('\n');
        }
        return yaml.toString();
    }
}
