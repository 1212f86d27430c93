package dev.seqnet.node.config;

import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.SequencerKey;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A member's secp256k1 key on disk ({@code key.json}): private key, compressed public key and
 * address, written owner-read-only. The public part is what goes into the genesis member set.
 */
public final class KeyFile
{
    public String privateKey;
    public String publicKey;
    public String address;

    public static KeyFile of(final SequencerKey key)
    {
        final KeyFile file = new KeyFile();
        file.privateKey = Hex.encode(key.privateKey());
        file.publicKey = Hex.encode(key.publicKey());
        file.address = key.address().toHex();
        return file;
    }

    public static KeyFile generate()
    {
        return of(SequencerKey.generate(new SecureRandom()));
    }

    public static SequencerKey load(final Path path) throws IOException
    {
        final KeyFile file = NodeConfig.mapper().readValue(path.toFile(), KeyFile.class);
        if (file.privateKey == null)
        {
            throw new IOException(path + ": no private_key");
        }
        final SequencerKey key = SequencerKey.fromPrivateKey(Hex.decode(file.privateKey));
        if (file.publicKey != null && !Hex.encode(key.publicKey()).equalsIgnoreCase(file.publicKey))
        {
            throw new IOException(path + ": public_key does not match private_key");
        }
        return key;
    }

    public void save(final Path path) throws IOException
    {
        Files.createDirectories(path.toAbsolutePath().getParent());
        final byte[] json = NodeConfig.mapper().writeValueAsBytes(this);
        try
        {
            // Created owner-only from the start: the private key is never readable by others.
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (final UnsupportedOperationException e)
        {
            Files.createFile(path);
        }
        Files.write(path, json);
    }
}
