package dev.seqnet.node.network;

import dev.seqnet.consensus.Certificate;
import dev.seqnet.consensus.core.Command;
import dev.seqnet.consensus.core.Input;
import dev.seqnet.consensus.message.ConsensusMessage;
import dev.seqnet.consensus.message.Proposal;
import dev.seqnet.consensus.message.Vote;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An opt-in timeline of one member ({@code consensus.trace_file} in node.json): one line per frame
 * received, core input and core command, stamped with {@link System#nanoTime()}. Members on one host
 * share that clock (CLOCK_MONOTONIC), so {@code tools/trace-breakdown.py} can merge their files into
 * per-stage latencies (proposal hop, verification, vote hop, finalization, delivery). A debugging aid
 * that allocates and writes per event: never on in a benchmark whose figures are reported.
 */
public final class NetworkTrace implements AutoCloseable
{
    private final BufferedWriter out;

    private NetworkTrace(final BufferedWriter out)
    {
        this.out = out;
    }

    /** Opens (truncates) {@code file}. */
    public static NetworkTrace open(final Path file) throws IOException
    {
        if (file.getParent() != null)
        {
            Files.createDirectories(file.getParent());
        }
        return new NetworkTrace(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    /** A frame of {@code length} bytes and SBE template {@code templateId} arrived from {@code from} (transport thread). */
    public void frame(final int from, final int templateId, final int length)
    {
        line("frame from=" + from + " template=" + templateId + " bytes=" + length);
    }

    void input(final Input input)
    {
        if (input instanceof Input.MessageReceived m)
        {
            line("in " + describe(m.message()));
        }
        else if (input instanceof Input.ProposalReady p)
        {
            line("in ProposalReady view=" + p.view() + " txs=" + p.candidate().txHashes().size());
        }
        else if (input instanceof Input.BlockVerified v)
        {
            line("in BlockVerified view=" + v.view() + " verdict=" + v.verdict());
        }
        else if (input instanceof Input.TimerFired t)
        {
            line("in TimerFired view=" + t.view() + " kind=" + t.kind());
        }
        else if (input instanceof Input.BlocksSynced s)
        {
            line("in BlocksSynced height=" + s.height());
        }
    }

    void command(final Command command)
    {
        if (command instanceof Command.PersistThenBroadcast c)
        {
            line("cmd PersistThenBroadcast " + describe(c.message()));
        }
        else if (command instanceof Command.Broadcast c)
        {
            line("cmd Broadcast " + describe(c.message()));
        }
        else if (command instanceof Command.Send c)
        {
            line("cmd Send to=" + c.member() + " " + describe(c.message()));
        }
        else if (command instanceof Command.BuildBlock c)
        {
            line("cmd BuildBlock view=" + c.view() + " height=" + c.height());
        }
        else if (command instanceof Command.VerifyBlock c)
        {
            line("cmd VerifyBlock view=" + c.view());
        }
        else if (command instanceof Command.Deliver c)
        {
            line("cmd Deliver view=" + c.block().view() + " height=" + c.block().height() + " path=" + c.block().path());
        }
        else if (command instanceof Command.SetTimer c)
        {
            line("cmd SetTimer view=" + c.view() + " kind=" + c.kind() + " inNs=" + (c.deadlineNs() - System.nanoTime()));
        }
        else
        {
            line("cmd " + command.getClass().getSimpleName());
        }
    }

    /** A finalized block was journaled, committed and published to readers and subscribers. */
    void published(final long height, final int txs)
    {
        line("published height=" + height + " txs=" + txs);
    }

    /** Own transactions went out in one batch. */
    void txBatchSent(final int txs)
    {
        line("txbatch-sent txs=" + txs);
    }

    /** A peer's transactions were stored. */
    void txBatchReceived(final int origin, final int txs)
    {
        line("txbatch-recv from=" + origin + " txs=" + txs);
    }

    private static String describe(final ConsensusMessage m)
    {
        if (m instanceof Vote v)
        {
            return "Vote kind=" + v.kind() + " view=" + v.view() + " signer=" + v.signer();
        }
        if (m instanceof Proposal p)
        {
            return "Proposal view=" + p.view() + " leader=" + p.leader() + " txs=" + p.block().txHashes().size();
        }
        if (m instanceof Certificate c)
        {
            return "Certificate kind=" + c.kind() + " view=" + c.view();
        }
        return m.getClass().getSimpleName() + " view=" + m.view();
    }

    private synchronized void line(final String text)
    {
        try
        {
            out.write(Long.toString(System.nanoTime()));
            out.write(' ');
            out.write(text);
            out.write('\n');
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what is buffered. */
    public synchronized void flush()
    {
        try
        {
            out.flush();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }
}
