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
 * The local users of the IG API and the console: those configured, or, with the dev PKI and none configured, one
 * dev-only user per role ({@code ig-officer}, {@code auditor}, {@code admin}, {@code operator}) whose random passwords
 * are written once to {@code <pki dir>/ig-users.dev-only.txt}.
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
        log.info("IG API and console: dev-only users {}; their passwords are in {}",
                java.util.Arrays.stream(IgRole.values()).map(IgRole::configName).toList(), file.toAbsolutePath());
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

    private static boolean addMissing(Properties passwords) {
        boolean added = false;
        SecureRandom random = new SecureRandom();
        for (IgRole role : IgRole.values()) {
            if (passwords.getProperty(role.configName(), "").isBlank()) {
                byte[] secret = new byte[18];
                random.nextBytes(secret);
                passwords.setProperty(role.configName(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
                added = true;
            }
        }
        return added;
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
            if (addMissing(passwords)) {
                // a data directory from before the console's roles: give the new dev users passwords too
                try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                    passwords.store(out, "DEV ONLY: IG API users (HTTP Basic), username=password. Never use in production.");
                }
            }
            return passwords;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }
}
