package dev.opencomputer.secrets.postgres;

import dev.opencomputer.secrets.InvalidMasterKeyException;
import dev.opencomputer.secrets.MasterKeyException;
import dev.opencomputer.secrets.MasterKeyMissingException;
import dev.opencomputer.secrets.MasterKeys;
import dev.opencomputer.secrets.SecretStore;
import dev.opencomputer.secrets.SecretStoreProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key versions this process may use, one of them active. New secrets (and
 * {@link SecretStore#rewrap()}) wrap their data keys with the active version; any version in the
 * ring still unwraps what it wrapped, until it is removed ("retired").
 *
 * <p>The text form, used for {@code opencomputer.secrets.master-key} and for key files, is a list
 * of {@code <version>:<base64 of 32 random bytes>} entries separated by commas, spaces or new
 * lines; {@code #} starts a comment. The active version is the highest unless chosen explicitly.
 * Immutable and thread-safe; {@link #toString()} shows versions only.
 */
final class MasterKeyring {

    private static final Logger log = LoggerFactory.getLogger(MasterKeyring.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SortedMap<Integer, MasterKey> keys;
    private final MasterKey active;

    private MasterKeyring(SortedMap<Integer, MasterKey> keys, Integer activeVersion) {
        if (keys.isEmpty()) {
            throw new MasterKeyMissingException("the keyring is empty; give at least one <version>:<base64 key> entry");
        }
        int chosen = activeVersion == null ? keys.lastKey() : activeVersion;
        if (!keys.containsKey(chosen)) {
            throw new InvalidMasterKeyException("the active master key version " + chosen
                    + " is not in the keyring (versions " + keys.keySet() + ")");
        }
        this.keys = Collections.unmodifiableSortedMap(keys);
        this.active = keys.get(chosen);
    }

    /** A keyring of the given keys; {@code activeVersion} may be {@code null} for the highest version. */
    static MasterKeyring of(List<MasterKey> keys, Integer activeVersion) {
        SortedMap<Integer, MasterKey> byVersion = new TreeMap<>();
        for (MasterKey key : keys) {
            if (byVersion.putIfAbsent(key.version(), key) != null) {
                throw new InvalidMasterKeyException("master key version " + key.version() + " is given twice");
            }
        }
        return new MasterKeyring(byVersion, activeVersion);
    }

    /**
     * Parses the text form. {@code source} names where the text came from for error messages
     * (for example a file name); the messages never contain key material.
     */
    static MasterKeyring parse(String text, Integer activeVersion, String source) {
        List<MasterKey> keys = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\\R")) {
                int comment = line.indexOf('#');
                String content = comment < 0 ? line : line.substring(0, comment);
                for (String entry : content.trim().split("[\\s,]+")) {
                    if (!entry.isEmpty()) {
                        keys.add(parseEntry(entry, source));
                    }
                }
            }
        }
        if (keys.isEmpty()) {
            throw new MasterKeyMissingException(source + " holds no master key; expected <version>:<base64 key> entries");
        }
        return of(keys, activeVersion);
    }

    private static MasterKey parseEntry(String entry, String source) {
        int colon = entry.indexOf(':');
        if (colon <= 0) {
            throw new InvalidMasterKeyException("an entry in " + source
                    + " is not of the form <version>:<base64 key> (for example 1:" + "A".repeat(43) + "=)");
        }
        String versionText = entry.substring(0, colon);
        int version;
        try {
            version = Integer.parseInt(versionText);
        } catch (NumberFormatException e) {
            throw new InvalidMasterKeyException("an entry in " + source + " has a version that is not a number");
        }
        byte[] material;
        try {
            material = Base64.getDecoder().decode(entry.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidMasterKeyException("master key version " + version + " in " + source + " is not valid base64");
        }
        return new MasterKey(version, material);
    }

    /**
     * Builds the keyring that the configuration names: the inline keyring, or the key file. When
     * only a file is named, it does not exist and {@code generateMasterKey} is set (the local quick
     * start), a new key is generated into it first, owner-only, and a log line says so.
     *
     * @throws MasterKeyException when nothing usable is configured; never falls back to a default key
     */
    static MasterKeyring load(SecretStoreProperties config, SecureRandom random) {
        boolean inline = config.masterKey() != null && !config.masterKey().isBlank();
        if (inline && config.masterKeyFile() != null) {
            throw new InvalidMasterKeyException("both opencomputer.secrets.master-key and "
                    + "opencomputer.secrets.master-key-file are set; configure exactly one");
        }
        if (inline) {
            return parse(config.masterKey(), config.activeKeyVersion(), "opencomputer.secrets.master-key");
        }
        Path file = config.masterKeyFile();
        if (file == null) {
            throw new MasterKeyMissingException("no master key is configured. Set OPENCOMPUTER_SECRETS_MASTER_KEY to "
                    + "\"1:<base64 of 32 random bytes>\" (e.g. 1:$(head -c 32 /dev/urandom | base64)) or "
                    + "OPENCOMPUTER_SECRETS_MASTER_KEY_FILE to a file holding such entries; see docs/config.md");
        }
        if (!Files.exists(file)) {
            if (!config.generateMasterKey()) {
                throw new MasterKeyMissingException("the master key file " + file + " does not exist");
            }
            if (generateFile(file, random)) {
                log.warn("Generated a new secret store master key into {} (owner-only). Back this file up: "
                        + "without it the stored secrets cannot be decrypted.", file);
            }
        }
        return loadFile(file, config.activeKeyVersion());
    }

    /** Reads a key file; warns when its permissions let anyone but the owner read it. */
    static MasterKeyring loadFile(Path file, Integer activeVersion) {
        try {
            warnIfShared(file);
            return parse(Files.readString(file, StandardCharsets.UTF_8), activeVersion, "the master key file " + file);
        } catch (IOException e) {
            throw new MasterKeyMissingException("cannot read the master key file " + file + ": " + e.getMessage());
        }
    }

    /**
     * Creates {@code file} with a fresh version-1 key, readable and writable by its owner only.
     * Returns {@code false} and leaves the file alone when it already exists.
     */
    static boolean generateFile(Path file, SecureRandom random) {
        String content = "# OpenComputer secret store master keyring: <version>:<base64 key>, highest version active.\n"
                + "# Keep it secret and back it up; see docs/operations.md for rotation.\n"
                + newEntry(1, random) + "\n";
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (posix) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the master key file " + file, e);
        }
    }

    /** A new keyring entry in the text form (see {@link MasterKeys#newEntry}). */
    static String newEntry(int version, SecureRandom random) {
        return MasterKeys.newEntry(version, random);
    }

    private static void warnIfShared(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(permissions)) {
                log.warn("The master key file {} is readable by others ({}); restrict it with chmod 600",
                        file, PosixFilePermissions.toString(permissions));
            }
        }
    }

    /** The version that new secrets are wrapped with. */
    MasterKey active() {
        return active;
    }

    /** The key of a version, if it is in the ring. */
    Optional<MasterKey> version(int version) {
        return Optional.ofNullable(keys.get(version));
    }

    /** Every version in the ring, ascending. */
    SortedSet<Integer> versions() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(keys.keySet()));
    }

    /** Every key in the ring, by ascending version. */
    List<MasterKey> keys() {
        return List.copyOf(keys.values());
    }

    @Override
    public String toString() {
        return "MasterKeyring[versions=" + keys.keySet() + ", active=" + active.version() + "]";
    }
}
