package org.carebridge.gateway.ig;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.gateway.support.PartnerClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 300 wrong passwords for one IG user from one address, then the right one: the user and the address are locked out,
 * audited, listed for an IG officer who clears them, and then the right password works again. The attack comes from
 * 127.0.0.2 (all of 127/8 is loopback), so the officer at 127.0.0.1 is not behind the address lockout. The shared test
 * context allows 20 free attempts and locks after 40 (the defaults are 3 and 10), so other tests' few wrong passwords
 * never meet a delay.
 */
class IgSignInThrottleTest extends GatewayTest {

    private static final String ATTACKER = "127.0.0.2";
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?im)^Retry-After: *(\\d+)");

    @Autowired
    MeterRegistry meters;

    @Autowired
    org.carebridge.gateway.audit.AuditTrail audit;

    @Autowired
    org.springframework.transaction.support.TransactionTemplate transaction;

    @Test
    void threeHundredWrongPasswordsLockTheUserAndTheAddressUntilAnOfficerClearsThem() throws Exception {
        String auditor = password("auditor");
        double lockoutsBefore = meters.get("carebridge.ig.sign-in.lockouts").counter().count();
        long lockedEntriesBefore = lockedEntries();

        List<Response> wrong = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            wrong.add(fromAttacker("auditor", "guess-" + i));
        }
        Response right = fromAttacker("auditor", auditor);

        // free attempts, then the one that starts the delay: all checked and wrong
        assertThat(wrong.subList(0, 21)).allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
        // by the 40th failure both are locked: nothing more is even checked
        assertThat(wrong.subList(40, 300)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.retryAfter()).isGreaterThan(60);
        });
        assertThat(right.status()).as("the right password after 300 wrong ones").isEqualTo(429);
        // the user is locked from any address
        IgClient auditorHere = IgClient.as("auditor", auditor, PKI.caCertificate(), baseUrl());
        assertThat(auditorHere.get("/ig/clocks?state=RUNNING").statusCode()).isEqualTo(429);
        // the admin API (and the console) take the same passwords behind the same throttle
        assertThat(auditorHere.get("/admin/api/partners").statusCode()).isEqualTo(401);

        assertThat(meters.get("carebridge.ig.sign-in.lockouts").counter().count() - lockoutsBefore).isEqualTo(2);
        assertThat(meters.get("carebridge.ig.sign-in.locked").gauge().value()).isGreaterThanOrEqualTo(2);
        assertThat(lockedEntries() - lockedEntriesBefore).isEqualTo(2);
        assertThat(jdbc.queryForList("""
                select reason from audit_outbox where kind = 'REFUSED' and outcome = 'locked' union all
                select reason from audit_entry where kind = 'REFUSED' and outcome = 'locked'""", String.class))
                .anySatisfy(r -> assertThat(r).startsWith("ig-sign-in-locked: user auditor after 40 failed sign-ins"))
                .anySatisfy(r -> assertThat(r).startsWith("ig-sign-in-locked: address " + ATTACKER + " after 40 failed sign-ins"));

        IgClient officer = IgClient.as("ig-officer", password("ig-officer"), PKI.caCertificate(), baseUrl());
        HttpResponse<String> listed = officer.get("/ig/sign-in-lockouts");
        assertThat(listed.statusCode()).isEqualTo(200);
        List<String> locked = new ArrayList<>();
        for (JsonNode lockout : json(listed.body())) {
            locked.add(lockout.path("kind").asText() + " " + lockout.path("name").asText());
        }
        assertThat(locked).contains("user auditor", "address " + ATTACKER);

        assertThat(officer.delete("/ig/sign-in-lockouts/user/auditor").statusCode()).isEqualTo(204);
        assertThat(officer.delete("/ig/sign-in-lockouts/address/" + ATTACKER).statusCode()).isEqualTo(204);
        assertThat(officer.delete("/ig/sign-in-lockouts/user/auditor").statusCode()).isEqualTo(404);
        assertThat(jdbc.queryForObject("""
                select (select count(*) from audit_outbox where kind = 'CONFIG_CHANGED' and actor = 'ig-officer'
                        and outcome = 'sign-in-lockout-cleared')
                     + (select count(*) from audit_entry where kind = 'CONFIG_CHANGED' and actor = 'ig-officer'
                        and outcome = 'sign-in-lockout-cleared')""", Long.class)).isGreaterThanOrEqualTo(2);

        assertThat(fromAttacker("auditor", auditor).status()).as("the right password once cleared").isEqualTo(200);
        assertThat(auditorHere.get("/admin/api/partners").statusCode()).isEqualTo(200);
    }

    @Test
    void onlyAnIgOfficerSeesOrClearsLockouts() throws Exception {
        IgClient auditor = IgClient.as("auditor", password("auditor"), PKI.caCertificate(), baseUrl());
        assertThat(auditor.get("/ig/sign-in-lockouts").statusCode()).isEqualTo(403);
        assertThat(auditor.delete("/ig/sign-in-lockouts/user/ig-officer").statusCode()).isEqualTo(403);
        assertThat(as("cs-suffolk").get("/ig/sign-in-lockouts").statusCode()).isEqualTo(403);
    }

    /** Two nodes' throttles over the one database: failures on either count towards the same delay and lockout. */
    @Test
    void twoNodesCountTheSameFailuresAndALockoutOutlivesTheNodeThatSawIt() {
        String address = "198.51.100." + (1 + new java.util.Random().nextInt(250)) + "-" + java.util.UUID.randomUUID();
        IgSignInThrottle nodeA = node();
        IgSignInThrottle nodeB = node();

        nodeA.failed("nobody", false, address);
        nodeB.failed("nobody", false, address);
        nodeA.failed("nobody", false, address);
        // three free attempts between them; one node alone would still have one left
        nodeB.check("nobody", false, address);
        nodeB.failed("nobody", false, address);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> nodeA.check("nobody", false, address), IgSignInThrottle.Throttled.class)).isNotNull()
                .as("the fourth failure, seen by the other node, delays the next attempt on this one")
                .satisfies(t -> {
                    assertThat(t.locked()).isFalse();
                    assertThat(t.retryAfter()).isPositive();
                });

        long lockedBefore = lockedEntries();
        for (int i = 0; i < 3; i++) {
            nodeA.failed("nobody", false, address);
            nodeB.failed("nobody", false, address);
        }
        // ten failures in all (including the attempt refused unchecked): locked, once, in the ledger
        assertThat(lockedEntries() - lockedBefore).isEqualTo(1);

        // a node started afterwards (a restart) finds the lockout where the others left it
        IgSignInThrottle restarted = node();
        IgSignInThrottle.Throttled refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> restarted.check("nobody", false, address), IgSignInThrottle.Throttled.class);
        assertThat(refused).isNotNull();
        assertThat(refused.locked()).isTrue();
        assertThat(refused.retryAfter()).isGreaterThan(java.time.Duration.ofMinutes(14));
        assertThat(restarted.locked()).anySatisfy(l -> {
            assertThat(l.kind() + " " + l.name()).isEqualTo("address " + address);
            // and the attempt it just refused unchecked counts too
            assertThat(l.failures()).isEqualTo(12);
        });

        assertThat(restarted.clear("address", address, "ig-officer")).isTrue();
        nodeA.check("nobody", false, address);
        nodeB.check("nobody", false, address);
    }

    /** A throttle as each node builds it: the production's 3 free attempts and lockout after 10, a first delay of a minute. */
    private IgSignInThrottle node() {
        return new IgSignInThrottle(audit, new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), jdbc, transaction, 3,
                java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(5), 10, java.time.Duration.ofMinutes(15), 10000);
    }

    private record Response(int status, long retryAfter) {
    }

    /** One sign-in over a TLS connection of its own from the attacker's address. */
    private Response fromAttacker(String user, String password) throws Exception {
        SSLContext tls = PartnerClient.tls(null, null, PKI.caCertificate());
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port, InetAddress.getByName(ATTACKER), 0)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ig/clocks?state=RUNNING HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            in.transferTo(received);
            String response = received.toString(StandardCharsets.ISO_8859_1);
            Matcher status = STATUS.matcher(response);
            assertThat(status.lookingAt()).as(response).isTrue();
            Matcher retryAfter = RETRY_AFTER.matcher(response);
            return new Response(Integer.parseInt(status.group(1)), retryAfter.find() ? Long.parseLong(retryAfter.group(1)) : 0);
        }
    }

    private long lockedEntries() {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where kind = 'REFUSED' and outcome = 'locked')
                     + (select count(*) from audit_entry where kind = 'REFUSED' and outcome = 'locked')""", Long.class);
    }

    private static String password(String user) throws Exception {
        Properties users = new Properties();
        try (Reader in = Files.newBufferedReader(DATA_DIR.resolve("pki/ig-users.dev-only.txt"))) {
            users.load(in);
        }
        return users.getProperty(user);
    }
}
