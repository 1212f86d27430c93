package dev.seqnet.node.cli;

import dev.seqnet.node.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sequencer}: the command-line entry point; each subcommand is its own class. */
@Command(
    name = "sequencer",
    mixinStandardHelpOptions = true,
    version = "seqnet 0.1.0",
    description = "A sequencer network for the Citrea rollup: Ethereum transactions in, signed L2 blocks out.",
    subcommands = {
        KeygenCommand.class,
        InitCommand.class,
        RunCommand.class,
        TestnetCommand.class,
        ReplayCommand.class,
        SendCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class
    })
public final class SequencerCli implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    public static void main(final String[] args)
    {
        // SLF4J (Chronicle's logging): warnings and errors to stderr, one line each, unless overridden.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (used by tests without exiting the JVM). */
    public static int execute(final String... args)
    {
        return new CommandLine(new SequencerCli())
            .setExecutionExceptionHandler((e, cmd, parse) ->
            {
                cmd.getErr().println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                if (Boolean.getBoolean("seqnet.debug"))
                {
                    e.printStackTrace(cmd.getErr());
                }
                return 1;
            })
            .execute(args);
    }
}
