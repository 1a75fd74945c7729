package org.carebridge.gateway.adapter;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The walk of a file a partner posted to {@code POST /inbound}: mapped by the partner's format, every record handed to
 * the governed intake, the answer listing each one. The controller hands the route only the partner and the file,
 * never an HTTP header, and the route drops every header it is given, so no Camel or JMS header a partner sends can
 * steer it.
 */
@Component
public class PostedFileRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:inbound-https";
    public static final String ROUTE_ID = "inbound-https";

    @Override
    public void configure() {
        from(ENDPOINT).routeId(ROUTE_ID)
                .removeHeaders("*")
                .bean(PostedFiles.class, "receive");
    }
}
