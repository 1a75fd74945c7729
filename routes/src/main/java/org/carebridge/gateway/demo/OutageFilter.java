package org.carebridge.gateway.demo;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * A simulated partner that is offline answers 503 on its paths to the gateway's probes too (deliveries, posted, reach
 * the inbox, which answers 503 itself and counts them).
 */
class OutageFilter extends HttpFilter {

    private final Map<String, DemoInbox> inboxes;

    OutageFilter(Map<String, DemoInbox> inboxes) {
        this.inboxes = inboxes;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        // /partners/<id>/... or /fhir/<id>/...
        String[] path = request.getRequestURI().split("/", 4);
        DemoInbox inbox = path.length > 2 ? inboxes.get(path[2]) : null;
        if (inbox != null && !inbox.online() && !"POST".equals(request.getMethod())) {
            response.setStatus(503);
            return;
        }
        chain.doFilter(request, response);
    }
}
