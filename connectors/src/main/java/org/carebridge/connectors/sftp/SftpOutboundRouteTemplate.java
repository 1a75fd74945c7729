package org.carebridge.connectors.sftp;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.carebridge.connectors.inbound.InboundFileNames;

/**
 * Writes each copy for a partner into its inbox folder over SFTP: under a temporary dot name first, renamed to its
 * final name when complete, so the partner never picks up half a file. The file name (header {@code CamelFileName},
 * for example {@code <message id>.p7m}) must be plain; a name that could leave the folder is refused before anything
 * is written. A file already there under the final name is the same copy (names carry the message id) and is kept.
 * Send to {@code direct:outbound-sftp-<partner>}; every option is a template parameter.
 */
public class SftpOutboundRouteTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "outbound-sftp";

    public static String routeId(String partnerId) {
        return TEMPLATE_ID + "-" + partnerId;
    }

    public static String inputOf(String partnerId) {
        return "direct:" + routeId(partnerId);
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE_ID)
                .templateParameter("partner")
                .templateParameter("host")
                .templateParameter("port", "22")
                .templateParameter("username")
                .templateParameter("password")
                .templateParameter("knownHostsFile")
                .templateParameter("strictHostKeyChecking", "yes")
                .templateParameter("connectTimeout", "10000")
                .templateParameter("inbox")
                .from("direct:" + TEMPLATE_ID + "-{{partner}}")
                    // a failure goes back to the caller as it was, so the delivery route's own error handling retries it
                    .errorHandler(noErrorHandler())
                    .process(SftpOutboundRouteTemplate::plainName)
                    .to("sftp://{{host}}:{{port}}/{{inbox}}?username={{username}}&password=RAW({{password}})"
                            + "&knownHostsFile={{knownHostsFile}}&strictHostKeyChecking={{strictHostKeyChecking}}"
                            + "&useUserKnownHostsFile=false&connectTimeout={{connectTimeout}}"
                            + "&tempFileName=.${file:onlyname}.part&fileExist=Ignore");
    }

    private static void plainName(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME, String.class);
        String problem = InboundFileNames.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("a copy was not written: " + problem.replace("; not fetched", ""));
        }
    }
}
