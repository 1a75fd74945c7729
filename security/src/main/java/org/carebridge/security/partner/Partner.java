package org.carebridge.security.partner;

import java.nio.file.Path;

/**
 * A registered partner agency system.
 *
 * @param area local authority (ONS) code of the area the partner serves
 * @param certificate the partner's TLS client certificate (PEM) that identifies it to the gateway
 */
public record Partner(String id, String name, AgencyKind kind, String area, PartnerEndpoint endpoint, Path certificate) {
}
