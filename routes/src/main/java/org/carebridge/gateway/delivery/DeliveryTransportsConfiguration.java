package org.carebridge.gateway.delivery;

import org.carebridge.connectors.sftp.SftpOutboundRouteTemplate;
import org.carebridge.connectors.smtp.SmtpOutboundRouteTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The connectors' outbound transport templates, which the SFTP and secure email delivery routes send through. */
@Configuration(proxyBeanMethods = false)
public class DeliveryTransportsConfiguration {

    @Bean
    SftpOutboundRouteTemplate sftpOutboundRouteTemplate() {
        return new SftpOutboundRouteTemplate();
    }

    @Bean
    SmtpOutboundRouteTemplate smtpOutboundRouteTemplate() {
        return new SmtpOutboundRouteTemplate();
    }
}
