package dev.seqnet.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.seqnet.codecs.AdmittedTxEncoder;
import dev.seqnet.codecs.MessageHeaderEncoder;
import dev.seqnet.journal.Journal;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of one journal append of a ~150-byte SBE entry (sampled, so p99 is reported; target p99 <= 10 us).
 * The journal goes to a fresh directory under {@code -Dseqnet.bench.dir} (default {@code java.io.tmpdir}),
 * deleted afterwards; a run writes a few GB of mapped file, so point it at a disk with room.
 * {@code -p syncOnAppend=true} measures the flushed mode (a disk flush per append).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class JournalAppendBenchmark
{
    @Param({ "150" })
    int entryLength;

    @Param({ "false" })
    boolean syncOnAppend;

    private Path dir;
    private Journal journal;
    private UnsafeBuffer entry;

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        final Path base = Paths.get(System.getProperty("seqnet.bench.dir", System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(base, "journal-bench");
        journal = Journal.open(new Journal.Context().dir(dir).syncOnAppend(syncOnAppend));

        entry = new UnsafeBuffer(new byte[entryLength]);
        new MessageHeaderEncoder().wrap(entry, 0)
            .blockLength(AdmittedTxEncoder.BLOCK_LENGTH)
            .templateId(AdmittedTxEncoder.TEMPLATE_ID)
            .schemaId(AdmittedTxEncoder.SCHEMA_ID)
            .version(AdmittedTxEncoder.SCHEMA_VERSION);
        for (int i = MessageHeaderEncoder.ENCODED_LENGTH; i < entryLength; i++)
        {
            entry.putByte(i, (byte)(i * 31));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        journal.close();
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
        }
    }

    @Benchmark
    public long append()
    {
        return journal.append(entry, 0, entryLength);
    }
}
