package dev.seqnet.baseline.raft;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The parent POM's {@code seqnet.jvm.flags}, filtered into this module's jar as {@code seqnet-jvm.flags}:
 * what each member process is started with (and what {@code bin/raft-baseline} starts the launcher with).
 */
final class JvmFlags
{
    private JvmFlags()
    {
    }

    static List<String> list() throws IOException
    {
        try (InputStream in = JvmFlags.class.getResourceAsStream("/seqnet-jvm.flags"))
        {
            if (in == null)
            {
                throw new IOException("seqnet-jvm.flags missing from the class path");
            }
            final String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
        }
    }
}
