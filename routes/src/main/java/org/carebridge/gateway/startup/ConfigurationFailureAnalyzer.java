package org.carebridge.gateway.startup;

import org.carebridge.security.config.ConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A bad partner, agreement, profile or clock file, told in a few lines naming the file and line, not a stack trace. */
public class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        StringBuilder description = new StringBuilder("The gateway's configuration cannot be applied. In ")
                .append(cause.source()).append(':');
        for (String problem : cause.problems()) {
            description.append("\n    - ").append(problem);
        }
        return new FailureAnalysis(description.toString(),
                "Correct " + cause.source() + " at the line or item named above, then start the gateway again. "
                        + "Nothing was changed.", cause);
    }
}
