package dev.seqnet.chain.crypto;

import fr.acinq.secp256k1.Secp256k1;
import fr.acinq.secp256k1.jni.NativeSecp256k1JvmLoader;
import fr.acinq.secp256k1.jni.OSInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The one libsecp256k1 every JVM of this project uses, loaded from a shared, content-named copy.
 *
 * <p>secp256k1-kmp extracts its JNI library to a new {@code /tmp/secp256k1-<uuid>-...so} in every JVM and deletes it
 * on a clean exit only. That costs twice: a killed member leaves 1.8 MB behind for good (hundreds of copies after a
 * day of benchmarks here), and members on one host each map their own copy of the library's 1.1 MB of precomputed
 * tables, so the caches of a shared CPU hold up to one copy per member. Measured with four processes verifying on
 * two cores: 52.0 µs per check with separate copies, 49.8 µs with one shared file (docs/PERFORMANCE.md, eighth
 * round). This class extracts the library once per content to
 * {@code <java.io.tmpdir>/seqnet-native-<user>/libsecp256k1-jni-<length>-<crc>.so} (or {@value #DIRECTORY_PROPERTY}),
 * re-checked byte for byte against the jar before every load, and hands that path to secp256k1-kmp's own loader
 * through its {@code fr.acinq.secp256k1.lib.path} and {@code lib.name} properties.
 *
 * <p>The directory must be a real directory owned by this user and writable by nobody else, or a neighbour could
 * swap the library between the check and the load; when it is not, or anything else fails, secp256k1-kmp loads its
 * way. Setting {@code fr.acinq.secp256k1.lib.path} yourself also leaves the choice to secp256k1-kmp.
 */
public final class Secp256k1Library
{
    /** Overrides the directory the shared copy lives in. */
    public static final String DIRECTORY_PROPERTY = "seqnet.native.dir";

    static final String KMP_PATH_PROPERTY = "fr.acinq.secp256k1.lib.path";
    static final String KMP_NAME_PROPERTY = "fr.acinq.secp256k1.lib.name";

    /** The library's file name on this OS, as secp256k1-kmp bundles it. */
    private static final String LIBRARY_NAME = System.mapLibraryName("secp256k1-jni");

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private static final Secp256k1 INSTANCE = load();

    private Secp256k1Library()
    {
    }

    /** The library, loaded on first use (from the shared copy when it could be used). */
    public static Secp256k1 get()
    {
        return INSTANCE;
    }

    private static Secp256k1 load()
    {
        if (null == System.getProperty(KMP_PATH_PROPERTY))
        {
            try
            {
                final byte[] library = bundled();
                if (null != library)
                {
                    final Path directory = Path.of(System.getProperty(DIRECTORY_PROPERTY,
                        Path.of(System.getProperty("java.io.tmpdir"), "seqnet-native-" + System.getProperty("user.name")).toString()));
                    final Path file = sharedCopy(directory, LIBRARY_NAME, library);
                    System.setProperty(KMP_PATH_PROPERTY, file.getParent().toString());
                    System.setProperty(KMP_NAME_PROPERTY, file.getFileName().toString());
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                System.getLogger(Secp256k1Library.class.getName()).log(System.Logger.Level.WARNING,
                    "no shared copy of libsecp256k1 (" + ex + "); secp256k1-kmp extracts its own");
            }
        }
        return Secp256k1.get();
    }

    /** The library secp256k1-kmp bundles for this OS and CPU, or null when it bundles none. */
    private static byte[] bundled() throws IOException
    {
        final String resource = "/" + NativeSecp256k1JvmLoader.class.getPackageName().replace('.', '/') + "/native/" +
            OSInfo.getNativeSuffix() + "/" + LIBRARY_NAME;
        try (InputStream in = NativeSecp256k1JvmLoader.class.getResourceAsStream(resource))
        {
            return null == in ? null : in.readAllBytes();
        }
    }

    /**
     * The file in {@code directory} holding exactly {@code library}, written (atomically, by rename) when missing or
     * different. Its name carries the content's length and CRC-32C, so two versions of the library never share it;
     * the byte-for-byte comparison, not the name, is what decides that an existing file may be loaded.
     *
     * @throws IOException when the directory is not this user's alone, or cannot be written.
     */
    static Path sharedCopy(final Path directory, final String libraryName, final byte[] library) throws IOException
    {
        ownerOnlyDirectory(directory);
        final CRC32C crc = new CRC32C();
        crc.update(library);
        final int dot = libraryName.lastIndexOf('.');
        final String name = (dot < 0 ? libraryName : libraryName.substring(0, dot)) + "-" + library.length + "-" +
            String.format("%08x", crc.getValue()) + (dot < 0 ? "" : libraryName.substring(dot));
        final Path file = directory.resolve(name);
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(Files.readAllBytes(file), library))
        {
            return file;
        }
        final Path temp = Files.createTempFile(directory, name, ".tmp");
        try
        {
            Files.write(temp, library);
            try
            {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
        return file;
    }

    /** Creates {@code directory} as rwx------ if missing; refuses one that is a link, another user's or open to others. */
    static void ownerOnlyDirectory(final Path directory) throws IOException
    {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS))
        {
            try
            {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            }
            catch (final FileAlreadyExistsException raced)
            {
                // another JVM made it meanwhile: checked below like any existing one
            }
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException(directory + " is not a directory");
        }
        final String owner = Files.getOwner(directory, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(System.getProperty("user.name")))
        {
            throw new IOException(directory + " belongs to " + owner);
        }
        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE))
        {
            throw new IOException(directory + " is writable by others (" + PosixFilePermissions.toString(permissions) + ")");
        }
    }
}
