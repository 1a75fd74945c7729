package org.carebridge.connectors.smtp;

import org.apache.camel.builder.RouteBuilder;

/**
 * Sends each secure email for a partner to its mail server with Camel's smtp component. The body is the finished
 * {@link jakarta.mail.internet.MimeMessage} ({@link SecureEmail}), sent as it is. Send to
 * {@code direct:outbound-smtp-<partner>}; every option is a template parameter ({@code login} is empty, or
 * {@code username=..&password=RAW(..)&} for a server that asks the gateway to authenticate).
 */
public class SmtpOutboundRouteTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "outbound-smtp";

    public static String routeId(String partnerId) {
        return TEMPLATE_ID + "-" + partnerId;
    }

    public static String inputOf(String partnerId) {
        return "direct:" + routeId(partnerId);
    }

    /** The {@code login} parameter for a username and password, or empty for none. */
    public static String login(String username, String password) {
        return username == null ? "" : "username=" + username + "&password=RAW(" + password + ")&";
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE_ID)
                .templateParameter("partner")
                .templateParameter("scheme", "smtp")
                .templateParameter("host")
                .templateParameter("port", "25")
                .templateParameter("login", "")
                .templateParameter("connectionTimeout", "10000")
                .from("direct:" + TEMPLATE_ID + "-{{partner}}")
                    // a failure goes back to the caller as it was, so the delivery route's own error handling retries it
                    .errorHandler(noErrorHandler())
                    .to("{{scheme}}://{{host}}:{{port}}?{{login}}connectionTimeout={{connectionTimeout}}");
    }
}
