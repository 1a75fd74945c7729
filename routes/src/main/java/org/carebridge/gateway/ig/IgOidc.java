package org.carebridge.gateway.ig;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.security.converter.RsaKeyConverters;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The JWT decoder for {@code carebridge.ig.oidc}: signature, expiry, and issuer and audience when configured. */
final class IgOidc {

    private IgOidc() {
    }

    static JwtDecoder decoder(IgProperties.Oidc oidc) {
        if (oidc.publicKeyLocation() != null) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(publicKey(oidc.publicKeyLocation())).build();
            decoder.setJwtValidator(validator(oidc));
            return decoder;
        }
        if (oidc.jwkSetUri() != null) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(oidc.jwkSetUri()).build();
            decoder.setJwtValidator(validator(oidc));
            return decoder;
        }
        // discovery on first use, so the gateway starts while the identity provider is unreachable
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = (NimbusJwtDecoder) JwtDecoders.fromIssuerLocation(oidc.issuerUri());
            decoder.setJwtValidator(validator(oidc));
            return decoder;
        });
    }

    private static OAuth2TokenValidator<Jwt> validator(IgProperties.Oidc oidc) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(oidc.issuerUri() == null ? JwtValidators.createDefault() : JwtValidators.createDefaultWithIssuer(oidc.issuerUri()));
        if (oidc.audience() != null) {
            validators.add(new JwtClaimValidator<Collection<String>>(JwtClaimNames.AUD,
                    audience -> audience != null && audience.contains(oidc.audience())));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /** A PEM RSA public key (X.509 SubjectPublicKeyInfo) at a file path or a resource location (file:, classpath:). */
    private static RSAPublicKey publicKey(String location) {
        Resource resource = location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !location.matches("^[a-zA-Z]:\\\\.*")
                ? new DefaultResourceLoader().getResource(location) : new FileSystemResource(location);
        try (InputStream in = resource.getInputStream()) {
            return RsaKeyConverters.x509().convert(in);
        } catch (IOException e) {
            throw new UncheckedIOException("carebridge.ig.oidc.public-key-location " + location + " cannot be read", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("carebridge.ig.oidc.public-key-location " + location
                    + " is not a PEM RSA public key: " + e.getMessage(), e);
        }
    }
}
