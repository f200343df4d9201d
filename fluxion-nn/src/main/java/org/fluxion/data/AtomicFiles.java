package org.fluxion.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see either the previous content or the complete new one, never a
 * partial file: the content goes to a temporary file {@code .NAME.DIGITS.tmp} in the same directory
 * (so the rename stays on one file system), is forced to disk, then replaces the target with an
 * atomic move, after which the directory is forced too (best effort) so that the rename survives a
 * crash.
 *
 * <p>The replaced file keeps its POSIX permissions (a private {@code 0600} checkpoint stays private);
 * a new file gets {@code rw-r--r--}. A temporary left behind by a killed process ({@code kill -9},
 * power loss) is deleted by the next write of the same target. A temporary is in use while its
 * writer holds a lock on it, which the operating system releases when the writer dies; so a save
 * running concurrently in another process is never disturbed.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> NEW_FILE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Temporaries being written by this JVM. They are skipped rather than lock-probed: on POSIX,
     * closing any channel to a file drops every lock this process holds on it.
     */
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {
    }

    /** Produces a file's content; may throw, in which case the target is left untouched. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically with the bytes {@code writer} produces. */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String name = absolute.getFileName().toString();
        deleteStaleTemporaries(dir, name);
        Path temp = createTemporary(dir, name);
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    FileLock ignored = tryLock(channel)) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.writeTo(out);
                out.flush();
                // Without this a crash right after the rename could leave an empty file behind it.
                channel.force(true);
                copyPermissions(absolute, temp);
                // Still locked while it moves: another process's cleaning cannot take it for stale.
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
                moved = true;
            }
            forceDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
            LIVE.remove(temp);
        }
    }

    /** A new, empty, private temporary for {@code name} in {@code dir}, marked live. */
    private static Path createTemporary(Path dir, String name) throws IOException {
        while (true) {
            Path temp = dir.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong()) + ".tmp");
            // Marked live before it exists, so that a concurrent save in this JVM never takes it for stale.
            if (!LIVE.add(temp)) {
                continue;
            }
            try {
                // Private while being written: the old file may be private, the new one is not yet.
                Files.createFile(temp, privateAttributes(dir));
                return temp;
            } catch (FileAlreadyExistsException e) {
                LIVE.remove(temp);
            } catch (IOException | RuntimeException e) {
                LIVE.remove(temp);
                throw e;
            }
        }
    }

    /** The pattern of {@code target}'s temporaries, {@code .NAME.DIGITS.tmp}. */
    static Pattern temporaryName(String target) {
        return Pattern.compile(Pattern.quote("." + target + ".") + "[0-9]+" + Pattern.quote(".tmp"));
    }

    /** Deletes the temporaries of {@code name} in {@code dir} that no writer holds (best effort). */
    private static void deleteStaleTemporaries(Path dir, String name) {
        Pattern pattern = temporaryName(name);
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir,
                p -> pattern.matcher(p.getFileName().toString()).matches())) {
            for (Path candidate : candidates) {
                try {
                    if (!LIVE.contains(candidate) && Files.isRegularFile(candidate) && unlocked(candidate)) {
                        Files.deleteIfExists(candidate);
                    }
                } catch (IOException | OverlappingFileLockException e) {
                    // Not ours to delete (another user's, a file system without locks): left alone.
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning is a courtesy: it must never make a save fail.
        }
    }

    /** Whether no process holds a lock on {@code file}, i.e. its writer is gone. */
    private static boolean unlocked(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * A lock that tells other processes this temporary is being written, or null where the file
     * system has no locks (then it is never taken for stale: {@link #unlocked} fails the same way).
     */
    private static FileLock tryLock(FileChannel channel) {
        try {
            return channel.tryLock();
        } catch (IOException e) {
            return null;
        }
    }

    private static FileAttribute<?>[] privateAttributes(Path dir) {
        return supportsPosix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PRIVATE)} : new FileAttribute<?>[0];
    }

    private static boolean supportsPosix(Path dir) {
        try {
            return Files.getFileStore(dir).supportsFileAttributeView("posix");
        } catch (IOException e) {
            return false;
        }
    }

    /** The target's permissions if it exists (so a private file stays private), else rw-r--r--. */
    private static void copyPermissions(Path target, Path temp) throws IOException {
        try {
            Set<PosixFilePermission> permissions;
            try {
                permissions = Files.getPosixFilePermissions(target);
            } catch (NoSuchFileException e) {
                permissions = NEW_FILE;
            }
            Files.setPosixFilePermissions(temp, permissions);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: its default permissions apply.
        }
    }

    /** Makes the rename durable where the platform allows opening a directory (not on Windows). */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // The file itself is on disk; only the rename's durability is left to the file system.
        }
    }
}
