package org.carebridge.gateway.port;

import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;

import java.io.IOException;

/**
 * After a request refused as too slow (408) or over its partner's limit (429), Tomcat would read and discard the rest
 * of the body to keep the connection alive: a body trickled a byte at a time would hold the thread all the same. The
 * connection is closed instead.
 */
class UnreadBodyValve extends ValveBase {

    UnreadBodyValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        try {
            getNext().invoke(request, response);
        } finally {
            int status = response.getStatus();
            if (status == 408 || status == 429) {
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }
}
