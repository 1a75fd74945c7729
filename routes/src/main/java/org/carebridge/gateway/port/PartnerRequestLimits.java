package org.carebridge.gateway.port;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.fhir.BodyReadTimeout;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.security.partner.Partner;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * Keeps one partner from starving the others of request threads. Each partner may have a bounded number of requests in
 * progress at once; one more is answered 429 with Retry-After before its body is read. And every body must arrive
 * within the body read timeout, however steadily it trickles: a body sent a byte at a time holds a thread no longer.
 */
public class PartnerRequestLimits extends OncePerRequestFilter {

    public static final int RETRY_AFTER_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(PartnerRequestLimits.class);

    private final int perPartner;
    private final Duration bodyReadTimeout;
    private final OperationOutcomes outcomes;
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Semaphore> inProgress = new ConcurrentHashMap<>();

    public PartnerRequestLimits(int perPartner, Duration bodyReadTimeout, OperationOutcomes outcomes, MeterRegistry meters) {
        this.perPartner = perPartner;
        this.bodyReadTimeout = bodyReadTimeout;
        this.outcomes = outcomes;
        this.meters = meters;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest timed = new Deadlined(request, System.nanoTime() + bodyReadTimeout.toNanos(), bodyReadTimeout);
        if (!(request.getAttribute(PartnerCertificateFilter.PARTNER_ATTRIBUTE) instanceof Partner partner) || perPartner <= 0) {
            chain.doFilter(timed, response);
            return;
        }
        Semaphore permits = inProgress.computeIfAbsent(partner.id(), id -> {
            Semaphore created = new Semaphore(perPartner);
            Gauge.builder("carebridge.partner.requests.in.progress", created, s -> perPartner - s.availablePermits())
                    .description("Requests a partner has in progress on the partner port").tag("partner", id).register(meters);
            return created;
        });
        if (!permits.tryAcquire()) {
            Counter.builder("carebridge.partner.throttled").description("Requests refused because the partner had too many in progress")
                    .tag("partner", partner.id()).register(meters).increment();
            log.info("Partner {} has {} requests in progress; one more was refused with 429", partner.id(), perPartner);
            response.setStatus(429);
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
            response.setContentType(OperationOutcomes.FHIR_JSON.toString());
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(outcomes.encode(IssueSeverity.ERROR, IssueType.THROTTLED,
                    "This partner already has " + perPartner + " requests in progress, the most it may have at once; send it again later"));
            return;
        }
        try {
            chain.doFilter(timed, response);
        } finally {
            permits.release();
        }
    }

    /** Requests the partner has in progress now. */
    public int inProgress(String partnerId) {
        Semaphore permits = inProgress.get(partnerId);
        return permits == null ? 0 : perPartner - permits.availablePermits();
    }

    /** A request whose body must be read before a deadline. */
    private static final class Deadlined extends HttpServletRequestWrapper {

        private final long deadline;
        private final Duration timeout;
        private ServletInputStream stream;

        Deadlined(HttpServletRequest request, long deadline, Duration timeout) {
            super(request);
            this.deadline = deadline;
            this.timeout = timeout;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    @Override
                    public int read() throws IOException {
                        check();
                        return in.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        check();
                        return in.read(b, off, len);
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }

        private void check() throws BodyReadTimeout {
            if (System.nanoTime() - deadline > 0) {
                throw new BodyReadTimeout(timeout);
            }
        }
    }
}
