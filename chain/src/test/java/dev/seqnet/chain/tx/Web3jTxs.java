package dev.seqnet.chain.tx;

import org.web3j.crypto.AccessListObject;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test oracle: transactions built and signed by web3j, and web3j-based RLP surgery on them. */
final class Web3jTxs
{
    static final long CHAIN_ID = 5115;
    static final String PRIVATE_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    static final Credentials CREDENTIALS = Credentials.create(PRIVATE_KEY);
    static final String TO = "0x3535353535353535353535353535353535353535";
    static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);

    /** secp256k1 curve order n (SEC 2, section 2.4.1). */
    static final BigInteger N = new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

    private Web3jTxs()
    {
    }

    static byte[] dynamicFee(final long chainId, final long nonce, final BigInteger tip, final BigInteger feeCap,
        final long gasLimit, final String to, final BigInteger value, final String data)
    {
        final RawTransaction tx = RawTransaction.createTransaction(
            chainId, BigInteger.valueOf(nonce), BigInteger.valueOf(gasLimit), to, value, data, tip, feeCap);
        return TransactionEncoder.signMessage(tx, CREDENTIALS);
    }

    static byte[] dynamicFee(final BigInteger tip, final BigInteger feeCap, final long gasLimit)
    {
        return dynamicFee(CHAIN_ID, 7, tip, feeCap, gasLimit, TO, BigInteger.TEN, "0x");
    }

    static byte[] dynamicFee()
    {
        return dynamicFee(GWEI, GWEI.multiply(BigInteger.TWO), 21_000);
    }

    static byte[] accessList(final long chainId, final long nonce, final BigInteger gasPrice, final long gasLimit,
        final String to, final BigInteger value, final String data, final List<AccessListObject> accessList)
    {
        final RawTransaction tx = RawTransaction.createTransaction(
            chainId, BigInteger.valueOf(nonce), gasPrice, BigInteger.valueOf(gasLimit), to, value, data, accessList);
        return TransactionEncoder.signMessage(tx, CREDENTIALS);
    }

    static byte[] legacy(final long chainId, final long nonce, final BigInteger gasPrice, final long gasLimit,
        final String to, final BigInteger value, final String data)
    {
        final RawTransaction tx = RawTransaction.createTransaction(
            BigInteger.valueOf(nonce), gasPrice, BigInteger.valueOf(gasLimit), to, value, data);
        return TransactionEncoder.signMessage(tx, chainId, CREDENTIALS);
    }

    /** Legacy signed without a chain id (pre-EIP-155, v = 27/28). */
    static byte[] unprotectedLegacy()
    {
        final RawTransaction tx = RawTransaction.createEtherTransaction(
            BigInteger.ONE, GWEI, BigInteger.valueOf(21_000), TO, BigInteger.TEN);
        return TransactionEncoder.signMessage(tx, CREDENTIALS);
    }

    /** The top-level fields of a raw transaction (typed or legacy), decoded by web3j. */
    static List<RlpType> fields(final byte[] raw)
    {
        final boolean typed = (raw[0] & 0xFF) < 0xC0;
        final byte[] body = typed ? Arrays.copyOfRange(raw, 1, raw.length) : raw;
        return new ArrayList<>(((RlpList)RlpDecoder.decode(body).getValues().get(0)).getValues());
    }

    /** Re-encodes {@code raw} with its field {@code index} replaced, keeping the type byte. */
    static byte[] replaceField(final byte[] raw, final int index, final RlpType replacement)
    {
        final List<RlpType> fields = fields(raw);
        fields.set(index, replacement);
        return encode(raw, fields);
    }

    /** Re-encodes {@code raw}'s type byte (if any) with {@code fields}. */
    static byte[] encode(final byte[] raw, final List<RlpType> fields)
    {
        final byte[] body = RlpEncoder.encode(new RlpList(fields));
        if ((raw[0] & 0xFF) >= 0xC0)
        {
            return body;
        }
        final byte[] out = new byte[body.length + 1];
        out[0] = raw[0];
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    static BigInteger integer(final RlpType field)
    {
        return ((RlpString)field).asPositiveBigInteger();
    }

    static RlpString integer(final BigInteger value)
    {
        return RlpString.create(value);
    }
}
