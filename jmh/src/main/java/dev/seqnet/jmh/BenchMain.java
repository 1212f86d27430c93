package dev.seqnet.jmh;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * JMH entry point of {@code benchmarks.jar}: the usual JMH command line, plus the parent POM's JVM
 * flags appended to every fork (they are filtered into the jar as {@code seqnet-jvm.flags}), so
 * benchmarks run with exactly the flags the node runs with.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final CommandLineOptions cli = new CommandLineOptions(args);
        final ChainedOptionsBuilder options = new OptionsBuilder().parent(cli).jvmArgsAppend(flags());
        new Runner(options.build()).run();
    }

    static String[] flags() throws IOException
    {
        try (InputStream in = BenchMain.class.getResourceAsStream("/seqnet-jvm.flags"))
        {
            if (in == null)
            {
                throw new IOException("seqnet-jvm.flags missing from benchmarks.jar");
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? new String[0] : text.split("\\s+");
        }
    }
}
