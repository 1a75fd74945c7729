package org.carebridge.gateway.report;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param suppressionThreshold counts from 1 to this minus one are suppressed (with secondary suppression)
 * @param monthlyCron when the previous month's report is sent (Spring cron, Europe/London); "-" turns it off
 * @param chartMonths how many months the trend chart shows by default
 */
@ConfigurationProperties("carebridge.report")
public record ReportProperties(int suppressionThreshold, String monthlyCron, int chartMonths) {

    public ReportProperties {
        if (suppressionThreshold < 2) {
            throw new IllegalArgumentException("carebridge.report.suppression-threshold must be at least 2");
        }
        if (chartMonths < 1 || chartMonths > 60) {
            throw new IllegalArgumentException("carebridge.report.chart-months must be from 1 to 60");
        }
    }
}
