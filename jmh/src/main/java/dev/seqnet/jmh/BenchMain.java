package dev.seqnet.jmh;

import dev.seqnet.node.cli.JvmFlags;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

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
        final ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
            .jvmArgsAppend(JvmFlags.list().toArray(new String[0]));
        new Runner(options.build()).run();
    }
}
