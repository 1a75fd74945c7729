package org.carebridge.gateway.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.carebridge.connectors.sftp.SftpInboundRouteTemplate;
import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.PartnerAdministration;
import org.carebridge.gateway.delivery.PartnerDeliveryControl;
import org.carebridge.gateway.delivery.HttpsDeliveryTemplate;
import org.carebridge.gateway.delivery.SftpDeliveryTemplate;
import org.carebridge.gateway.delivery.SmtpDeliveryTemplate;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Partners' routes come from one template per transport, and one partner's routes are stopped and started live. */
class PartnerRoutesTest extends GatewayTest {

    @Autowired
    CamelContext camel;

    @Autowired
    PartnerRoutes routes;

    @Autowired
    PartnerRegistry registry;

    @Autowired
    PartnerAdministration partners;

    @Autowired
    PartnerDeliveryControl control;

    @Autowired
    RegistryFollowingRoutes following;

    @Test
    void everyPartnerHasADeliveryRouteFromItsTransportsTemplate() {
        ModelCamelContext model = (ModelCamelContext) camel;
        for (String template : new String[] {HttpsDeliveryTemplate.TEMPLATE_ID, SftpDeliveryTemplate.TEMPLATE_ID, SmtpDeliveryTemplate.TEMPLATE_ID}) {
            assertThat(model.getRouteTemplateDefinition(template)).as(template).isNotNull();
        }
        registry.all().forEach(partner -> {
            Route route = camel.getRoute("deliver-" + partner.id());
            assertThat(route).as(partner.id()).isNotNull();
            assertThat(route.getConfigurationId()).isEqualTo("delivery-errors");
            assertThat(route.getEndpoint().getEndpointUri()).startsWith("jms://queue:carebridge.delivery." + partner.id());
        });
        assertThat(routes.routeIds("cs-suffolk")).containsExactly("deliver-cs-suffolk", SftpInboundRouteTemplate.routeId("cs-suffolk"));
    }

    @Test
    void aStoppedPartnersCopiesWaitOnItsQueueAndArriveWhenItsRoutesStartAgain() throws Exception {
        routes.stop("vs-suffolk");
        try {
            assertThat(camel.getRoute("deliver-vs-suffolk")).isNull();
            assertThat(routes.routeIds("vs-suffolk")).isEmpty();
            String messageId = Examples.newMessageId();
            assertThat(as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("cs-norfolk", messageId)));
            assertThat(inboxFile("vs-suffolk", messageId)).doesNotExist();

            routes.start(registry.byId("vs-suffolk").orElseThrow());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId)));
        } finally {
            routes.start(registry.byId("vs-suffolk").orElseThrow());
        }
        assertThat(camel.getRoute("deliver-vs-suffolk").getConfigurationId()).isEqualTo("delivery-errors");
    }

    @Test
    void aSuspendedPartnersReplacedRouteStaysStoppedUntilItIsResumed() {
        partners.suspend("yjs-suffolk", new Actor("test-admin", "admin"), "route replacement while suspended");
        try {
            routes.replace(registry.byId("yjs-suffolk").orElseThrow());
            assertThat(camel.getRoute("deliver-yjs-suffolk")).isNotNull();
            assertThat(control.delivering("yjs-suffolk")).isFalse();
        } finally {
            partners.resume("yjs-suffolk", new Actor("test-admin", "admin"), "route replacement test over");
        }
        assertThat(control.delivering("yjs-suffolk")).isTrue();
    }

    @Test
    void replacingAPartnersRoutesKeepsItsInboundPollingAndDelivery() throws Exception {
        routes.replace(registry.byId("cs-suffolk").orElseThrow());
        assertThat(routes.routeIds("cs-suffolk")).containsExactly("deliver-cs-suffolk", SftpInboundRouteTemplate.routeId("cs-suffolk"));
        assertThat(camel.getRouteController().getRouteStatus("deliver-cs-suffolk").isStarted()).isTrue();
        assertThat(camel.getRouteController().getRouteStatus(SftpInboundRouteTemplate.routeId("cs-suffolk")).isStarted()).isTrue();
    }

    @Test
    void aPartnerWhoseRoutesCannotStartDoesNotStopTheRoutesOfThoseAfterIt() throws Exception {
        java.nio.file.Path password = DATA_DIR.resolve("pki/demo-sftp/cs-cambridgeshire.password.dev-only.txt");
        java.nio.file.Path aside = password.resolveSibling("aside.txt");
        routes.stop("cs-cambridgeshire");
        routes.stop("cs-peterborough");
        Files.move(password, aside);
        try {
            following.startMissing();
            assertThat(routes.routeIds("cs-cambridgeshire")).isEmpty();
            assertThat(routes.routeIds("cs-peterborough")).contains("deliver-cs-peterborough");
        } finally {
            Files.move(aside, password);
            routes.start(registry.byId("cs-cambridgeshire").orElseThrow());
            routes.start(registry.byId("cs-peterborough").orElseThrow());
        }
    }
}
