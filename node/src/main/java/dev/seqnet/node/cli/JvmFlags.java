package dev.seqnet.node.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The parent POM's {@code seqnet.jvm.flags}, filtered into the jar at build time as
 * {@code seqnet-jvm.flags}: what a spawned member process and every JMH fork are started with.
 */
public final class JvmFlags
{
    private JvmFlags()
    {
    }

    public static List<String> list() throws IOException
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
