package org.carebridge.gateway.adapter;

import org.carebridge.connectors.ctf.LocalAuthorities;
import org.carebridge.connectors.police.PoliceEventMapper;
import org.carebridge.connectors.sftp.SftpInboundRouteTemplate;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.gateway.CarebridgeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The inbound adapters' configuration as data: SSDA903 code lists per collection year, the register of homes, the CTF
 * local authority numbers, the police event schema, the templates.
 */
@Configuration(proxyBeanMethods = false)
public class AdapterConfiguration {

    @Bean
    CollectionYears ssda903CollectionYears(CarebridgeProperties properties) {
        return CollectionYears.load(properties.configDir().resolve("formats/ssda903"));
    }

    @Bean
    ChildrensHomes childrensHomes(CarebridgeProperties properties) {
        return ChildrensHomes.load(properties.configDir().resolve("homes.yaml"));
    }

    @Bean
    LocalAuthorities ctfLocalAuthorities(CarebridgeProperties properties) {
        return LocalAuthorities.load(properties.configDir().resolve("formats/ctf/local-authorities.yaml"));
    }

    @Bean
    PoliceEventMapper policeEventMapper(CarebridgeProperties properties, ChildrensHomes homes) {
        return new PoliceEventMapper(properties.configDir().resolve("schema/police-event.schema.json"), homes);
    }

    @Bean
    SftpInboundRouteTemplate sftpInboundRouteTemplate() {
        return new SftpInboundRouteTemplate();
    }
}
