package dev.seqnet.node.cli;

import dev.seqnet.node.config.KeyFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sequencer keygen}: writes a new secp256k1 member key and prints its public parts. */
@Command(name = "keygen", description = "Generate a member key (secp256k1) into a key file.")
public final class KeygenCommand implements Callable<Integer>
{
    @Option(names = "--out", required = true, description = "Key file to write (refuses to overwrite).")
    Path out;

    @Override
    public Integer call() throws Exception
    {
        if (Files.exists(out))
        {
            System.err.println("error: " + out + " exists; refusing to overwrite a key");
            return 2;
        }
        final KeyFile key = KeyFile.generate();
        key.save(out);
        System.out.println("address    " + key.address);
        System.out.println("public_key " + key.publicKey);
        System.out.println("written    " + out.toAbsolutePath());
        return 0;
    }
}
