package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.crypto.transaction.type.Transaction1559;
import org.web3j.crypto.transaction.type.TransactionType;
import org.web3j.utils.Numeric;

import java.math.BigInteger;
import java.util.Random;

import static dev.seqnet.chain.tx.Web3jTxs.CHAIN_ID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** TxSigner checked the other way round: web3j decodes and recovers what it signs. */
class TxSignerTest
{
    private final TxDecoder decoder = new TxDecoder(CHAIN_ID);

    @Test
    void addressOfMatchesWeb3jCredentials()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            final BigInteger key = TxDecoderTest.randomKey(random);
            final Credentials credentials = Credentials.create(ECKeyPair.create(key));
            assertEquals(Address.fromHex(credentials.getAddress()), TxSigner.addressOf(Numeric.toBytesPadded(key, 32)));
        }
    }

    @Test
    void dynamicFeeTransactionsDecodeInWeb3jToTheSameSenderAndFields() throws Exception
    {
        final Random random = new Random(11);
        for (int i = 0; i < 40; i++)
        {
            final BigInteger key = TxDecoderTest.randomKey(random);
            final byte[] privateKey = Numeric.toBytesPadded(key, 32);
            final Credentials credentials = Credentials.create(ECKeyPair.create(key));
            final long nonce = random.nextInt(10) == 0 ? Long.MAX_VALUE : random.nextInt(100_000);
            final long feeCap = 10_000_000L + (random.nextLong() & 0xFFFFFFFFFFL);
            final long tip = (random.nextLong() & Long.MAX_VALUE) % (feeCap + 1);
            final byte[] data = TxDecoderTest.randomBytes(random, random.nextInt(200));
            final long gasLimit = 21_000 + 16L * data.length + random.nextInt(100_000);
            final Address to = Address.of(TxDecoderTest.randomBytes(random, 20));
            final BigInteger value = new BigInteger(random.nextInt(250), random);

            final byte[] raw = TxSigner.signDynamicFee(CHAIN_ID, nonce, tip, feeCap, gasLimit, to, value, data, privateKey);

            final SignedRawTransaction decoded = (SignedRawTransaction)TransactionDecoder.decode(Numeric.toHexString(raw));
            assertEquals(credentials.getAddress(), decoded.getFrom());
            assertEquals(TransactionType.EIP1559, decoded.getType());
            final Transaction1559 fields = (Transaction1559)decoded.getTransaction();
            assertEquals(CHAIN_ID, fields.getChainId());
            assertEquals(BigInteger.valueOf(nonce), decoded.getNonce());
            assertEquals(BigInteger.valueOf(tip), fields.getMaxPriorityFeePerGas());
            assertEquals(BigInteger.valueOf(feeCap), fields.getMaxFeePerGas());
            assertEquals(BigInteger.valueOf(gasLimit), decoded.getGasLimit());
            assertEquals(to.toHex(), decoded.getTo());
            assertEquals(value, decoded.getValue());
            assertEquals(Numeric.toHexString(data), Numeric.prependHexPrefix(decoded.getData()));

            // RFC 6979 makes the signature deterministic: web3j signs the same transaction to the same bytes.
            final RawTransaction same = RawTransaction.createTransaction(CHAIN_ID, BigInteger.valueOf(nonce), BigInteger.valueOf(gasLimit),
                to.toHex(), value, Numeric.toHexString(data), BigInteger.valueOf(tip), BigInteger.valueOf(feeCap));
            assertArrayEquals(TransactionEncoder.signMessage(same, credentials), raw);

            assertEquals(TxSigner.addressOf(privateKey), decoder.decode(raw).sender());
        }
    }

    @Test
    void legacyTransactionsDecodeInWeb3jToTheSameSenderAndFields() throws Exception
    {
        final Random random = new Random(13);
        for (int i = 0; i < 40; i++)
        {
            final BigInteger key = TxDecoderTest.randomKey(random);
            final byte[] privateKey = Numeric.toBytesPadded(key, 32);
            final Credentials credentials = Credentials.create(ECKeyPair.create(key));
            final long nonce = random.nextInt(100_000);
            final long gasPrice = 10_000_000L + (random.nextLong() & 0xFFFFFFFFFFL);
            final byte[] data = TxDecoderTest.randomBytes(random, random.nextInt(200));
            final long gasLimit = 21_000 + 16L * data.length + random.nextInt(100_000);
            final Address to = Address.of(TxDecoderTest.randomBytes(random, 20));
            final BigInteger value = new BigInteger(random.nextInt(250), random);

            final byte[] raw = TxSigner.signLegacy(CHAIN_ID, nonce, gasPrice, gasLimit, to, value, data, privateKey);

            final SignedRawTransaction decoded = (SignedRawTransaction)TransactionDecoder.decode(Numeric.toHexString(raw));
            assertEquals(credentials.getAddress(), decoded.getFrom());
            assertEquals(CHAIN_ID, decoded.getChainId());
            assertEquals(BigInteger.valueOf(nonce), decoded.getNonce());
            assertEquals(BigInteger.valueOf(gasPrice), decoded.getGasPrice());
            assertEquals(BigInteger.valueOf(gasLimit), decoded.getGasLimit());
            assertEquals(to.toHex(), decoded.getTo());
            assertEquals(value, decoded.getValue());
            assertEquals(Numeric.toHexString(data), Numeric.prependHexPrefix(decoded.getData()));

            final RawTransaction same = RawTransaction.createTransaction(BigInteger.valueOf(nonce), BigInteger.valueOf(gasPrice),
                BigInteger.valueOf(gasLimit), to.toHex(), value, Numeric.toHexString(data));
            assertArrayEquals(TransactionEncoder.signMessage(same, CHAIN_ID, credentials), raw);

            final EthTransaction tx = decoder.decode(raw);
            assertEquals(TxSigner.addressOf(privateKey), tx.sender());
            assertEquals(EthTransaction.TYPE_LEGACY, tx.type());
        }
    }

    @Test
    void rejectsInvalidPrivateKeys()
    {
        final Address to = Address.of(new byte[20]);
        assertThrows(IllegalArgumentException.class, () -> TxSigner.addressOf(new byte[32]));
        assertThrows(IllegalArgumentException.class, () -> TxSigner.addressOf(new byte[31]));
        assertThrows(IllegalArgumentException.class,
            () -> TxSigner.signDynamicFee(CHAIN_ID, 0, 1, 1, 21_000, to, BigInteger.ONE, new byte[0], Numeric.toBytesPadded(Web3jTxs.N, 32)));
        assertThrows(IllegalArgumentException.class,
            () -> TxSigner.signDynamicFee(CHAIN_ID, 0, 1, 1, 21_000, to, BigInteger.ONE.negate(), new byte[0], Numeric.toBytesPadded(BigInteger.ONE, 32)));
    }
}
