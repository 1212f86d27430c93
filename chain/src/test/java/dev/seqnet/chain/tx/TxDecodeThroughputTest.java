package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

import java.math.BigInteger;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One-thread throughput of decode and decodeTrusted over 1,024 varied EIP-1559 transfers. Off by
 * default (timing on a shared 2-core box is no pass/fail criterion); run with
 * {@code mvn -pl chain test -Dtest=TxDecodeThroughputTest -Dseqnet.perf=true}. The JMH
 * TxDecodeBenchmark is the rigorous version.
 */
@EnabledIfSystemProperty(named = "seqnet.perf", matches = "true")
class TxDecodeThroughputTest
{
    private static final int COUNT = 1024;

    @Test
    void measure() throws Exception
    {
        final Random random = new Random(42);
        final byte[][] raws = new byte[COUNT][];
        final Address[] senders = new Address[COUNT];
        for (int i = 0; i < COUNT; i++)
        {
            final byte[] key = new byte[32];
            random.nextBytes(key);
            key[0] &= 0x7F;
            final byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(200) : 0];
            random.nextBytes(data);
            final byte[] to = new byte[20];
            random.nextBytes(to);
            raws[i] = TxSigner.signDynamicFee(ChainConstants.TESTNET_CHAIN_ID, random.nextInt(1000), 1_000_000L + random.nextInt(1_000_000),
                2_000_000_000L + random.nextInt(1_000_000_000), 21_000 + 16L * data.length, Address.of(to),
                BigInteger.valueOf(random.nextLong() & Long.MAX_VALUE), data, key);
            senders[i] = TxSigner.addressOf(key);
        }
        final TxDecoder decoder = new TxDecoder(ChainConstants.TESTNET_CHAIN_ID);
        for (int i = 0; i < COUNT; i++)
        {
            assertEquals(senders[i], decoder.decode(raws[i]).sender());
        }

        final double decodeRate = rate(decoder, raws, senders, false, 20_000, 3);
        final double trustedRate = rate(decoder, raws, senders, true, 1_000_000, 3);
        System.out.printf("decode (with recovery): %,.0f tx/s%n", decodeRate);
        System.out.printf("decodeTrusted:          %,.0f tx/s%n", trustedRate);
        System.out.printf("allocated per decode: %d B, per decodeTrusted: %d B%n",
            allocatedPerCall(decoder, raws, senders, false), allocatedPerCall(decoder, raws, senders, true));
    }

    private static long allocatedPerCall(final TxDecoder decoder, final byte[][] raws, final Address[] senders, final boolean trusted)
        throws TxDecodeException
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long id = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(id);
        for (int k = 0; k < COUNT; k++)
        {
            if (trusted)
            {
                decoder.decodeTrusted(raws[k], senders[k]);
            }
            else
            {
                decoder.decode(raws[k]);
            }
        }
        return (threads.getThreadAllocatedBytes(id) - before) / COUNT;
    }

    private static double rate(final TxDecoder decoder, final byte[][] raws, final Address[] senders, final boolean trusted,
        final int iterations, final int rounds) throws TxDecodeException
    {
        long sink = 0;
        // Warm-up round of the same size, then the best of `rounds` timed rounds.
        double best = 0;
        for (int round = 0; round <= rounds; round++)
        {
            final long start = System.nanoTime();
            for (int i = 0; i < iterations; i++)
            {
                final int k = i & (COUNT - 1);
                final EthTransaction tx = trusted ? decoder.decodeTrusted(raws[k], senders[k]) : decoder.decode(raws[k]);
                sink += tx.nonce();
            }
            final double perSecond = iterations / ((System.nanoTime() - start) / 1e9);
            if (round > 0)
            {
                best = Math.max(best, perSecond);
            }
        }
        if (sink == 42)
        {
            System.out.println(sink);
        }
        return best;
    }
}
