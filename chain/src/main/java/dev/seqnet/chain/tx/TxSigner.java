package dev.seqnet.chain.tx;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.Keccak256;
import dev.seqnet.chain.rlp.RlpWriter;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Builds and signs native-token transfers (EIP-1559 and EIP-155 legacy) for the node's testnet
 * and benchmark tooling, using libsecp256k1's deterministic (RFC 6979), low-s ECDSA. Stateless
 * and thread-safe; not on the hot path, so it favours clarity over allocation.
 */
public final class TxSigner
{
    private TxSigner()
    {
    }

    /**
     * Signs an EIP-1559 transfer with an empty access list.
     *
     * @return the raw transaction: {@code 0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas,
     * maxFeePerGas, gasLimit, to, value, data, [], yParity, r, s])}.
     */
    public static byte[] signDynamicFee(
        final long chainId,
        final long nonce,
        final long maxPriorityFeePerGas,
        final long maxFeePerGas,
        final long gasLimit,
        final Address to,
        final BigInteger value,
        final byte[] data,
        final byte[] privateKey32)
    {
        final RlpWriter fields = new RlpWriter(128 + data.length)
            .longValue(chainId)
            .longValue(nonce)
            .longValue(maxPriorityFeePerGas)
            .longValue(maxFeePerGas)
            .longValue(gasLimit)
            .bytes(to.toBytes())
            .bigInteger(value)
            .bytes(data)
            .startList().endList();
        final byte[] content = fields.toByteArray();

        final byte[] unsigned = new RlpWriter(content.length + 8)
            .rawByte(EthTransaction.TYPE_DYNAMIC_FEE)
            .startList().raw(content, 0, content.length).endList()
            .toByteArray();
        final byte[] signature = new byte[64];
        final int recoveryId = sign(Keccak256.hash(unsigned), privateKey32, signature);

        return new RlpWriter(content.length + 80)
            .rawByte(EthTransaction.TYPE_DYNAMIC_FEE)
            .startList()
            .raw(content, 0, content.length)
            .longValue(recoveryId)
            .unsignedInteger(signature, 0, 32)
            .unsignedInteger(signature, 32, 32)
            .endList()
            .toByteArray();
    }

    /**
     * Signs an EIP-155 legacy transfer.
     *
     * @return the raw transaction: {@code rlp([nonce, gasPrice, gasLimit, to, value, data, v, r, s])}
     * with {@code v = chainId * 2 + 35 + recoveryId}.
     */
    public static byte[] signLegacy(
        final long chainId,
        final long nonce,
        final long gasPrice,
        final long gasLimit,
        final Address to,
        final BigInteger value,
        final byte[] data,
        final byte[] privateKey32)
    {
        if (chainId <= 0 || chainId > (Long.MAX_VALUE - 36) / 2)
        {
            throw new IllegalArgumentException("chain id out of range for EIP-155: " + chainId);
        }
        final byte[] content = new RlpWriter(128 + data.length)
            .longValue(nonce)
            .longValue(gasPrice)
            .longValue(gasLimit)
            .bytes(to.toBytes())
            .bigInteger(value)
            .bytes(data)
            .toByteArray();

        final byte[] unsigned = new RlpWriter(content.length + 24)
            .startList()
            .raw(content, 0, content.length)
            .longValue(chainId)
            .longValue(0)
            .longValue(0)
            .endList()
            .toByteArray();
        final byte[] signature = new byte[64];
        final int recoveryId = sign(Keccak256.hash(unsigned), privateKey32, signature);

        return new RlpWriter(content.length + 80)
            .startList()
            .raw(content, 0, content.length)
            .longValue(chainId * 2 + 35 + recoveryId)
            .unsignedInteger(signature, 0, 32)
            .unsignedInteger(signature, 32, 32)
            .endList()
            .toByteArray();
    }

    /** The Ethereum address of a 32-byte secp256k1 private key. */
    public static Address addressOf(final byte[] privateKey32)
    {
        return EcdsaRecovery.address(publicKey(privateKey32), new byte[32]);
    }

    /**
     * Signs {@code hash32} into {@code signature64} (r ‖ s, low s) and returns the recovery id,
     * found by recovering with 0 and 1 and comparing against the key's public key.
     */
    private static int sign(final byte[] hash32, final byte[] privateKey32, final byte[] signature64)
    {
        final byte[] publicKey = publicKey(privateKey32);
        // RFC 6979 nonce without extra entropy: the same signature web3j and geth produce.
        final byte[] compact = EcdsaRecovery.SECP256K1.sign(hash32, privateKey32, null);
        System.arraycopy(compact, 0, signature64, 0, 64);
        for (int recoveryId = 0; recoveryId < 2; recoveryId++)
        {
            final byte[] recovered;
            try
            {
                recovered = EcdsaRecovery.SECP256K1.ecdsaRecover(signature64, hash32, recoveryId);
            }
            catch (final RuntimeException ex)
            {
                continue;
            }
            if (Arrays.equals(recovered, publicKey))
            {
                return recoveryId;
            }
        }
        throw new IllegalStateException("signature does not recover to the signing key");
    }

    private static byte[] publicKey(final byte[] privateKey32)
    {
        if (privateKey32.length != 32 || !EcdsaRecovery.SECP256K1.secKeyVerify(privateKey32))
        {
            throw new IllegalArgumentException("not a valid secp256k1 private key");
        }
        return EcdsaRecovery.SECP256K1.pubkeyCreate(privateKey32);
    }
}
