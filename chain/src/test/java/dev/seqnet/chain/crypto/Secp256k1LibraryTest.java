package dev.seqnet.chain.crypto;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Secp256k1LibraryTest
{
    private static final byte[] LIBRARY = "not really a shared object, but bytes to copy".getBytes();

    @TempDir
    Path temp;

    @Test
    void theLibraryThisJvmLoadedIsTheSharedCopyOfTheBundledOne() throws IOException
    {
        final SequencerKey key = SequencerKey.generate(new SecureRandom());
        final byte[] hash = Keccak256.hash("shared".getBytes());
        assertTrue(Signatures.verify(key.sign(hash), hash, key.publicKey()), "the loaded library signs and verifies");

        final Path file = Path.of(System.getProperty(Secp256k1Library.KMP_PATH_PROPERTY),
            System.getProperty(Secp256k1Library.KMP_NAME_PROPERTY));
        final String resource = "/fr/acinq/secp256k1/jni/native/" + fr.acinq.secp256k1.jni.OSInfo.getNativeSuffix() + "/" +
            System.mapLibraryName("secp256k1-jni");
        try (var in = fr.acinq.secp256k1.jni.NativeSecp256k1JvmLoader.class.getResourceAsStream(resource))
        {
            assertArrayEquals(in.readAllBytes(), Files.readAllBytes(file));
        }
        assertTrue(file.getFileName().toString().startsWith("libsecp256k1-jni-"), file.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    }

    @Test
    void aSecondLoadReusesTheFileAndADifferentLibraryGetsAnotherName() throws IOException
    {
        final Path dir = temp.resolve("native");
        final Path first = Secp256k1Library.sharedCopy(dir, "libx.so", LIBRARY);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertArrayEquals(LIBRARY, Files.readAllBytes(first));
        assertTrue(first.getFileName().toString().matches("libx-" + LIBRARY.length + "-[0-9a-f]{8}\\.so"), first.toString());

        final FileTime old = FileTime.fromMillis(1_000_000_000L);
        Files.setLastModifiedTime(first, old);
        assertEquals(first, Secp256k1Library.sharedCopy(dir, "libx.so", LIBRARY));
        assertEquals(old, Files.getLastModifiedTime(first), "an identical copy is not written again");

        final byte[] other = LIBRARY.clone();
        other[0] ^= 1;
        final Path second = Secp256k1Library.sharedCopy(dir, "libx.so", other);
        assertNotEquals(first, second);
        assertArrayEquals(LIBRARY, Files.readAllBytes(first), "the other version's file is untouched");
        try (var files = Files.list(dir))
        {
            assertEquals(2, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aFileWhoseBytesDifferIsReplacedBeforeItIsLoaded() throws IOException
    {
        final Path dir = temp.resolve("native");
        final Path file = Secp256k1Library.sharedCopy(dir, "libx.so", LIBRARY);
        Files.write(file, "planted".getBytes());
        assertEquals(file, Secp256k1Library.sharedCopy(dir, "libx.so", LIBRARY));
        assertArrayEquals(LIBRARY, Files.readAllBytes(file));
    }

    @Test
    void aDirectoryOthersMayWriteOrALinkIsRefused() throws IOException
    {
        final Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(assertThrows(IOException.class, () -> Secp256k1Library.sharedCopy(open, "libx.so", LIBRARY))
            .getMessage().contains("writable by others"));

        final Path groupWritable = Files.createDirectory(temp.resolve("group"));
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rwxrwx---"));
        assertThrows(IOException.class, () -> Secp256k1Library.sharedCopy(groupWritable, "libx.so", LIBRARY));

        final Path target = Files.createDirectory(temp.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        final Path link = Files.createSymbolicLink(temp.resolve("link"), target);
        assertTrue(assertThrows(IOException.class, () -> Secp256k1Library.sharedCopy(link, "libx.so", LIBRARY))
            .getMessage().contains("not a directory"));
        try (var files = Files.list(target))
        {
            assertEquals(0, files.count(), "nothing was written through the link");
        }
    }
}
