package dev.seqnet.ringbuffer;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.ChainConstants;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.tx.EthTransaction;
import dev.seqnet.chain.tx.TxDecodeException;
import dev.seqnet.chain.tx.TxRejection;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tiny transaction format standing in for EIP-2718 in these tests, so the pipeline is exercised
 * with a real (cheap) decoder: {@code 'T' ‖ producer:int ‖ nonce:long ‖ payload}. The sender is
 * the producer id in the last 4 bytes of the address, or, when burning CPU, the last 20 bytes of
 * Keccak-256 applied {@code burnRounds} times to the raw bytes (a stand-in for ecrecover's cost).
 * {@code 'C'} as the first byte is refused as a wrong chain id, anything else as malformed.
 */
final class TestTxFormat implements TxRecovery
{
    static final byte VALID = 'T';
    static final byte WRONG_CHAIN = 'C';
    static final int HEADER = 1 + 4 + 8;
    static final Address TO = Address.fromHex("0x00000000000000000000000000000000000000aa");

    private final int burnRounds;

    TestTxFormat(final int burnRounds)
    {
        this.burnRounds = burnRounds;
    }

    static byte[] encode(final int producer, final long nonce)
    {
        return encode(producer, nonce, new byte[0]);
    }

    static byte[] encode(final int producer, final long nonce, final byte[] payload)
    {
        return ByteBuffer.allocate(HEADER + payload.length).put(VALID).putInt(producer).putLong(nonce).put(payload).array();
    }

    static int producerOf(final EthTransaction tx)
    {
        return ByteBuffer.wrap(tx.raw()).getInt(1);
    }

    @Override
    public EthTransaction recover(final byte[] raw) throws TxDecodeException
    {
        if (raw.length >= 1 && raw[0] == WRONG_CHAIN)
        {
            throw new TxDecodeException(TxRejection.WRONG_CHAIN_ID, "invalid chain id for signer: have 7 want 5115");
        }
        if (raw.length < HEADER || raw[0] != VALID)
        {
            throw new TxDecodeException(TxRejection.MALFORMED_RLP, "malformed transaction: " + raw.length + " bytes");
        }

        final ByteBuffer buffer = ByteBuffer.wrap(raw);
        final int producer = buffer.getInt(1);
        final long nonce = buffer.getLong(5);
        final byte[] payload = Arrays.copyOfRange(raw, HEADER, raw.length);

        final Address sender;
        if (burnRounds > 0)
        {
            byte[] digest = raw;
            for (int i = 0; i < burnRounds; i++)
            {
                digest = Keccak256.hash(digest);
            }
            sender = Address.wrap(digest, 32 - Address.LENGTH);
        }
        else
        {
            final byte[] address = new byte[Address.LENGTH];
            ByteBuffer.wrap(address).putInt(Address.LENGTH - 4, producer);
            sender = Address.of(address);
        }

        return new EthTransaction(
            raw,
            Keccak256.hash(raw),
            sender,
            EthTransaction.TYPE_DYNAMIC_FEE,
            ChainConstants.TESTNET_CHAIN_ID,
            nonce,
            1_000_000L,
            2_000_000_000L,
            21_000L,
            TO,
            BigInteger.ONE,
            payload,
            21_000L);
    }
}
