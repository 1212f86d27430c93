package dev.seqnet.consensus.sim;

import dev.seqnet.chain.Hash32;
import dev.seqnet.chain.crypto.Sha256;

import java.nio.ByteBuffer;

/**
 * A model transaction: sender account, nonce and a variant (two variants with one nonce are a
 * double spend only one of which can ever be included). Its id stands for the Keccak hash of the
 * raw transaction that proposals carry.
 */
record ModelTx(int sender, long nonce, int variant, Hash32 id) implements Comparable<ModelTx>
{
    static ModelTx of(final int sender, final long nonce, final int variant)
    {
        final byte[] in = ByteBuffer.allocate(2 + 4 + 8 + 4).put((byte)'t').put((byte)'x')
            .putInt(sender).putLong(nonce).putInt(variant).array();
        return new ModelTx(sender, nonce, variant, Hash32.wrap(Sha256.hash(in)));
    }

    @Override
    public int compareTo(final ModelTx o)
    {
        int c = Integer.compare(sender, o.sender);
        if (c == 0)
        {
            c = Long.compare(nonce, o.nonce);
        }
        return c != 0 ? c : id.compareTo(o.id);
    }
}
