package org.carebridge.gateway.port;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.carebridge.gateway.fhir.FailureOutcomes;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.intake.IntakeRoute;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * The partner port opens before Camel has started its routes, and stays open while they stop. Until the application
 * is ready (Spring's readiness state) and the intake route is running, every request there is answered 503 with
 * Retry-After, and the readiness probe says OUT_OF_SERVICE.
 */
public class IntakeReadiness extends OncePerRequestFilter implements HealthIndicator {

    private final ApplicationAvailability availability;
    private final CamelContext camel;
    private final OperationOutcomes outcomes;

    public IntakeReadiness(ApplicationAvailability availability, CamelContext camel, OperationOutcomes outcomes) {
        this.availability = availability;
        this.camel = camel;
        this.outcomes = outcomes;
    }

    public boolean ready() {
        return availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && routesUp();
    }

    private boolean routesUp() {
        ServiceStatus route = camel.getStatus().isStarted() ? camel.getRouteController().getRouteStatus(IntakeRoute.ROUTE_ID) : null;
        return route != null && route.isStarted();
    }

    @Override
    public Health health() {
        return routesUp() ? Health.up().build() : Health.outOfService().withDetail("intake", "routes not started").build();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (ready()) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(503);
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(FailureOutcomes.RETRY_AFTER_SECONDS));
        response.setContentType(OperationOutcomes.FHIR_JSON.toString());
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(outcomes.encode(IssueSeverity.ERROR, IssueType.TRANSIENT,
                "The gateway is starting or stopping and is not taking requests; nothing was read. Send it again later."));
    }
}
