package org.carebridge.gateway.intake;

import org.carebridge.security.agreement.Recipient;

import java.util.List;

/** A message and the partners the agreements allow to receive it. */
public record RoutedMessage(IncomingMessage message, List<Recipient> recipients) {
}
