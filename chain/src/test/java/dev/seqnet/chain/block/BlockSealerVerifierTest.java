package dev.seqnet.chain.block;

import dev.seqnet.chain.crypto.Signatures;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.seqnet.chain.block.BlockFixtures.KEY;
import static dev.seqnet.chain.block.BlockFixtures.OTHER_KEY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sealing signs the header hash; the verifier names each way a block can be wrong. */
class BlockSealerVerifierTest
{
    private final Random random = new Random(3);
    private final L2Block genesis = BlockFixtures.sealed(0, new byte[32], 100, BlockFixtures.randomTxs(random, 3, 50, 150));
    private final L2Block block17 = BlockFixtures.sealed(17, genesis.hash(), 100, BlockFixtures.randomTxs(random, 5, 50, 150));

    @Test
    void sealSignsTheHeaderHashWithTheSequencerKey()
    {
        assertArrayEquals(block17.header().hash(), block17.hash());
        assertTrue(Signatures.verify(block17.signature(), block17.header().hash(), KEY.publicKey()));
        assertArrayEquals(KEY.sign(block17.header().hash()), block17.signature());
    }

    @Test
    void validChainVerifies()
    {
        assertNull(BlockVerifier.verify(genesis, null, 0, KEY.publicKey()));
        assertNull(BlockVerifier.verify(block17, genesis.hash(), genesis.header().timestamp(), KEY.publicKey()));
    }

    @Test
    void equalTimestampIsAllowedAndNullPrevHashSkipsChaining()
    {
        assertNull(BlockVerifier.verify(block17, genesis.hash(), 100, KEY.publicKey()));
        assertNull(BlockVerifier.verify(block17, null, 100, KEY.publicKey()));
    }

    @Test
    void brokenChain()
    {
        final byte[] wrongPrev = genesis.hash();
        wrongPrev[31] ^= 1;
        assertEquals("block 17: prev_hash does not chain", BlockVerifier.verify(block17, wrongPrev, 100, KEY.publicKey()));
    }

    @Test
    void timestampDecreased()
    {
        assertEquals("block 17: timestamp decreased (100 < 101)", BlockVerifier.verify(block17, genesis.hash(), 101, KEY.publicKey()));
    }

    @Test
    void timestampsCompareUnsigned()
    {
        // 2^63 as u64 is larger than 100, though negative as a Java long.
        final L2Block late = BlockFixtures.sealed(18, block17.hash(), Long.MIN_VALUE, List.of());
        assertNull(BlockVerifier.verify(late, block17.hash(), 100, KEY.publicKey()));
        assertEquals("block 17: timestamp decreased (100 < 9223372036854775808)",
            BlockVerifier.verify(block17, null, Long.MIN_VALUE, KEY.publicKey()));
    }

    @Test
    void txMerkleRootMismatch()
    {
        final List<byte[]> txs = new ArrayList<>(block17.rawTxs());
        txs.get(2)[0] ^= 1;
        final L2Block tampered = new L2Block(block17.header(), block17.hash(), block17.signature(),
            block17.gasUsed(), block17.baseFee(), txs, block17.senders());

        assertEquals("block 17: tx merkle root mismatch", BlockVerifier.verify(tampered, genesis.hash(), 100, KEY.publicKey()));
    }

    @Test
    void reorderedTxsAreAMerkleMismatch()
    {
        final List<byte[]> txs = new ArrayList<>(block17.rawTxs());
        java.util.Collections.swap(txs, 0, 1);
        final L2Block tampered = new L2Block(block17.header(), block17.hash(), block17.signature(),
            block17.gasUsed(), block17.baseFee(), txs, block17.senders());

        assertEquals("block 17: tx merkle root mismatch", BlockVerifier.verify(tampered, null, 0, KEY.publicKey()));
    }

    @Test
    void hashMismatchEvenWhenTheClaimedHashIsSigned()
    {
        final byte[] claimed = block17.hash();
        claimed[0] ^= 1;
        final L2Block tampered = new L2Block(block17.header(), claimed, KEY.sign(claimed),
            block17.gasUsed(), block17.baseFee(), block17.rawTxs(), block17.senders());

        assertEquals("block 17: hash mismatch", BlockVerifier.verify(tampered, genesis.hash(), 100, KEY.publicKey()));
    }

    @Test
    void alteredHeaderFieldIsAHashMismatch()
    {
        final L2Header h = block17.header();
        final L2Header altered = new L2Header(h.height(), h.prevHash(), h.stateRoot(),
            h.l1FeeRate().add(BigInteger.ONE), h.txMerkleRoot(), h.timestamp());
        final L2Block tampered = new L2Block(altered, block17.hash(), block17.signature(),
            block17.gasUsed(), block17.baseFee(), block17.rawTxs(), block17.senders());

        assertEquals("block 17: hash mismatch", BlockVerifier.verify(tampered, genesis.hash(), 100, KEY.publicKey()));
    }

    @Test
    void badSignature()
    {
        assertEquals("block 17: bad signature", BlockVerifier.verify(block17, genesis.hash(), 100, OTHER_KEY.publicKey()));

        final byte[] sig = block17.signature();
        sig[10] ^= 0x40;
        final L2Block tampered = new L2Block(block17.header(), block17.hash(), sig,
            block17.gasUsed(), block17.baseFee(), block17.rawTxs(), block17.senders());
        assertEquals("block 17: bad signature", BlockVerifier.verify(tampered, genesis.hash(), 100, KEY.publicKey()));
        assertEquals("block 17: bad signature", BlockVerifier.verify(block17, genesis.hash(), 100, new byte[33]));
    }

    @Test
    void sealRefusesAHeaderWhoseRootIsNotTheTxs()
    {
        final L2Header h = block17.header();
        final List<byte[]> fewer = block17.rawTxs().subList(0, 4);
        assertThrows(IllegalArgumentException.class,
            () -> BlockSealer.seal(h, KEY, 0, 0, fewer, block17.senders().subList(0, 4)));
    }

    @Test
    void blockRejectsMismatchedOrOversizedParts()
    {
        final L2Header h = block17.header();
        assertThrows(IllegalArgumentException.class, () -> new L2Block(h, block17.hash(), new byte[63], 0, 0,
            block17.rawTxs(), block17.senders()));
        assertThrows(IllegalArgumentException.class, () -> new L2Block(h, new byte[31], block17.signature(), 0, 0,
            block17.rawTxs(), block17.senders()));
        assertThrows(IllegalArgumentException.class, () -> new L2Block(h, block17.hash(), block17.signature(), 0, 0,
            block17.rawTxs(), block17.senders().subList(0, 4)));
        assertThrows(IllegalArgumentException.class, () -> new L2Block(h, block17.hash(), block17.signature(), 0, 0,
            List.of(new byte[dev.seqnet.chain.ChainConstants.MAX_TX_SIZE + 1]), block17.senders().subList(0, 1)));
    }

    @Test
    void blockIsImmutable()
    {
        final byte[] tx0 = block17.rawTx(0);
        block17.rawTx(0)[0] ^= 1;
        block17.rawTxs().get(0)[0] ^= 1;
        block17.signature()[0] ^= 1;
        assertArrayEquals(tx0, block17.rawTx(0));
        assertNull(BlockVerifier.verify(block17, genesis.hash(), 100, KEY.publicKey()));
    }
}
