package dev.seqnet.node.rpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.seqnet.chain.Hex;
import dev.seqnet.chain.rlp.RlpReader;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;

import java.math.BigInteger;

/**
 * Adds {@code v}, {@code r}, {@code s} (and {@code yParity} for typed transactions) to a transaction
 * object, read back from the raw bytes: wallets and libraries (ethers v6) refuse transaction objects
 * without them, and {@link EthTransaction} does not keep them since nothing else needs them.
 */
final class TxSignatureJson
{
    private TxSignatureJson()
    {
    }

    static void put(final ObjectNode o, final EthTransaction tx)
    {
        final byte[] raw = tx.raw();
        final boolean typed = tx.type() != EthTransaction.TYPE_LEGACY;
        final RlpReader reader = new RlpReader().wrap(raw, typed ? 1 : 0, typed ? raw.length - 1 : raw.length);
        try
        {
            reader.enterList();
            final int fieldsBeforeSignature = tx.type() == EthTransaction.TYPE_LEGACY ? 6 :
                tx.type() == EthTransaction.TYPE_ACCESS_LIST ? 8 : 9;
            for (int i = 0; i < fieldsBeforeSignature; i++)
            {
                reader.skipItem();
            }
            final BigInteger v = reader.readBigInteger(32);
            final BigInteger r = reader.readBigInteger(32);
            final BigInteger s = reader.readBigInteger(32);
            o.put("v", Hex.quantity(v));
            o.put("r", Hex.quantity(r));
            o.put("s", Hex.quantity(s));
            if (typed)
            {
                o.put("yParity", Hex.quantity(v));
            }
        }
        catch (final TxDecodeException e)
        {
            // Cannot happen for a transaction that decoded; leave the fields out rather than fail.
        }
    }
}
