package org.carebridge.gateway.decision;

import org.carebridge.security.decision.Decision;

import java.util.List;
import java.util.Map;

/**
 * A message, the decision for every candidate recipient, and each permitted recipient's minimised copy.
 *
 * @param copies by recipient partner id, for the decisions that share
 */
public record RoutedMessage(IncomingMessage message, List<Decision> decisions, Map<String, byte[]> copies) {
}
