package org.carebridge.gateway.ig;

import org.carebridge.gateway.CarebridgeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * The local IG users: those configured, or, with the dev PKI and none configured, dev-only users {@code ig-officer} and
 * {@code auditor} whose random passwords are written once to {@code <pki dir>/ig-users.dev-only.txt}.
 */
final class IgUsers {

    static final String DEV_FILE = "ig-users.dev-only.txt";

    private static final Logger log = LoggerFactory.getLogger(IgUsers.class);

    private IgUsers() {
    }

    static List<UserDetails> load(IgProperties ig, CarebridgeProperties carebridge, PasswordEncoder encoder) {
        if (!ig.users().isEmpty()) {
            return ig.users().stream().map(IgUsers::configured).toList();
        }
        if (!carebridge.pki().devGenerate()) {
            if (!ig.oidc().enabled()) {
                log.warn("No IG users are configured (carebridge.ig.users, carebridge.ig.oidc): every /ig/ request will be refused");
            }
            return List.of();
        }
        Path file = carebridge.pki().dir().resolve(DEV_FILE);
        Properties passwords = devPasswords(file);
        log.info("IG API: dev-only users ig-officer and auditor; their passwords are in {}", file.toAbsolutePath());
        List<UserDetails> users = new ArrayList<>();
        for (IgRole role : IgRole.values()) {
            users.add(User.withUsername(role.configName()).password(encoder.encode(passwords.getProperty(role.configName())))
                    .authorities(role.authority()).build());
        }
        return users;
    }

    private static UserDetails configured(IgProperties.User user) {
        if (user.username() == null || user.username().isBlank()) {
            throw new IllegalStateException("carebridge.ig.users: a user has no username");
        }
        if (user.passwordHash() == null || !user.passwordHash().startsWith("{bcrypt}")) {
            throw new IllegalStateException("carebridge.ig.users: the password-hash of user '" + user.username()
                    + "' must be a bcrypt hash in {bcrypt}... form");
        }
        if (user.roles().isEmpty()) {
            throw new IllegalStateException("carebridge.ig.users: user '" + user.username() + "' has no roles");
        }
        return User.withUsername(user.username()).password(user.passwordHash())
                .authorities(user.roles().stream().map(r -> IgRole.fromConfig(r).authority()).toArray(String[]::new)).build();
    }

    /** Reads the dev-only passwords, generating the file on first start. */
    private static Properties devPasswords(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Properties generated = new Properties();
                SecureRandom random = new SecureRandom();
                for (IgRole role : IgRole.values()) {
                    byte[] secret = new byte[18];
                    random.nextBytes(secret);
                    generated.setProperty(role.configName(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
                }
                try {
                    Files.createFile(file);
                    try {
                        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException e) {
                        // not a POSIX file system: the directory's permissions apply
                    }
                    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                        generated.store(out, "DEV ONLY: IG API users (HTTP Basic), username=password. Never use in production.");
                    }
                } catch (FileAlreadyExistsException e) {
                    // another node generated it first: use theirs
                }
            }
            Properties passwords = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                passwords.load(in);
            }
            for (IgRole role : IgRole.values()) {
                if (passwords.getProperty(role.configName(), "").isBlank()) {
                    throw new IllegalStateException(file + " has no password for " + role.configName());
                }
            }
            return passwords;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
