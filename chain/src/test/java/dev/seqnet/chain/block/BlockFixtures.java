package dev.seqnet.chain.block;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.crypto.SequencerKey;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Sealed blocks with random transactions for the block tests. */
final class BlockFixtures
{
    static final SequencerKey KEY = SequencerKey.fromPrivateKey(
        Hex.decode("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
    static final SequencerKey OTHER_KEY = SequencerKey.fromPrivateKey(
        Hex.decode("0x0000000000000000000000000000000000000000000000000000000000000001"));

    private BlockFixtures()
    {
    }

    static List<byte[]> randomTxs(final Random random, final int n, final int minSize, final int maxSize)
    {
        final List<byte[]> txs = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final byte[] raw = new byte[minSize + random.nextInt(maxSize - minSize + 1)];
            random.nextBytes(raw);
            txs.add(raw);
        }
        return txs;
    }

    static List<Address> randomSenders(final Random random, final int n)
    {
        final List<Address> senders = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final byte[] a = new byte[Address.LENGTH];
            random.nextBytes(a);
            senders.add(Address.of(a));
        }
        return senders;
    }

    static L2Block sealed(final long height, final byte[] prevHash, final long timestamp, final List<byte[]> txs)
    {
        final Random random = new Random(height);
        final byte[] stateRoot = new byte[32];
        random.nextBytes(stateRoot);
        final L2Header header = new L2Header(
            height, prevHash, stateRoot, BigInteger.valueOf(height * 1_000 + 17), TxMerkle.rootOfRawTxs(txs), timestamp);
        return BlockSealer.seal(header, KEY, 21_000L * txs.size(), 10_000_000L, txs, randomSenders(random, txs.size()));
    }

    static L2Block sealed(final int txCount, final long seed)
    {
        final Random random = new Random(seed);
        final byte[] prev = new byte[32];
        random.nextBytes(prev);
        return sealed(seed, prev, 1_700_000_000L + seed, randomTxs(random, txCount, 1, 200));
    }
}
