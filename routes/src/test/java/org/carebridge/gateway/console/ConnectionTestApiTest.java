package org.carebridge.gateway.console;

import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An administrator tests a partner's connection from the admin API; nothing is sent and nothing about any record is shown. */
class ConnectionTestApiTest extends GatewayTest {

    private ConsoleUsers.Api api(String user) throws Exception {
        return ConsoleUsers.Api.as(DATA_DIR, user, PKI.caCertificate(), baseUrl());
    }

    @Test
    void anAdministratorTestsEachTransportAndOthersMayNot() throws Exception {
        var sftp = api("admin").post("/admin/api/partners/cs-cambridgeshire/connection-test", "");
        assertThat(sftp.statusCode()).as(sftp.body()).isEqualTo(200);
        assertThat(json(sftp.body()).path("passed").asBoolean()).as(sftp.body()).isTrue();
        assertThat(json(sftp.body()).path("transport").asText()).isEqualTo("sftp");
        assertThat(json(sftp.body()).path("partner").asText()).isEqualTo("cs-cambridgeshire");

        var smtp = json(api("admin").post("/admin/api/partners/health-cambridgeshire/connection-test", "").body());
        assertThat(smtp.path("check").asText()).isEqualTo("SMTP EHLO");
        assertThat(smtp.path("passed").asBoolean()).isTrue();
        var https = json(api("admin").post("/admin/api/partners/vs-suffolk/connection-test", "").body());
        assertThat(https.path("check").asText()).isEqualTo("TLS handshake");
        assertThat(https.path("passed").asBoolean()).isTrue();

        assertThat(api("admin").post("/admin/api/partners/no-such-partner/connection-test", "").statusCode()).isEqualTo(404);
        assertThat(api("auditor").post("/admin/api/partners/vs-suffolk/connection-test", "").statusCode()).isEqualTo(403);
    }
}
