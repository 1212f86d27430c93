package dev.seqnet.node.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts and stops members as their own OS processes ({@code sequencer run --config …} on this JVM's
 * java, class path and the parent POM's flags): one place for {@code testnet} and {@code bench}.
 */
public final class MemberProcesses
{
    private MemberProcesses()
    {
    }

    /** Environment variable whose whitespace-separated JVM options are added to every member process started here. */
    public static final String MEMBER_JAVA_OPTS_ENV = "SEQNET_MEMBER_JAVA_OPTS";

    /**
     * Starts a member with the project's JVM flags plus any in {@value #MEMBER_JAVA_OPTS_ENV} (say a heap size,
     * a JFR recording or JIT settings); stdout and stderr are appended to {@code log}.
     */
    public static Process start(final Path config, final Path log, final String... extraRunArgs) throws IOException
    {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(JvmFlags.list());
        final String extra = System.getenv(MEMBER_JAVA_OPTS_ENV);
        if (extra != null && !extra.isBlank())
        {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SequencerCli.class.getName());
        cmd.add("run");
        cmd.add("--config");
        cmd.add(config.toAbsolutePath().toString());
        cmd.addAll(List.of(extraRunArgs));
        return new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    }

    /**
     * Deletes the media-driver directory of the member {@code config} describes, once its process is gone. A member
     * deletes it itself on start and on close; one that was SIGKILLed cannot, and its log buffers (hundreds of MB,
     * in {@code /dev/shm} by default) would stay until the next start on the same data directory, which a bench's
     * temporary network never has.
     */
    public static void deleteAeronDirectory(final Path config)
    {
        try
        {
            final java.io.File dir = dev.seqnet.node.config.NodeConfig.load(config).aeronDirectory().toFile();
            if (dir.exists())
            {
                org.agrona.IoUtil.delete(dir, true);
            }
        }
        catch (final IOException | RuntimeException e)
        {
            System.err.println("could not delete the media driver directory of " + config + ": " + e);
        }
    }
}
