package dev.seqnet.node.config;

import dev.seqnet.chain.Address;
import dev.seqnet.chain.crypto.Secp256k1Library;
import dev.seqnet.chain.tx.TxSigner;
import fr.acinq.secp256k1.Secp256k1;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * The development accounts of the {@code test test … junk} mnemonic that Ethereum dev tools fund
 * (BIP-39 seed, BIP-32 path m/44'/60'/0'/0/i). Derived rather than hard-coded so the derivation is
 * checked against an independent implementation in tests. For testnets only: the keys are public.
 */
public final class DevAccounts
{
    public static final String MNEMONIC = "test test test test test test test test test test test junk";
    public static final int COUNT = 10;
    private static final int HARDENED = 0x8000_0000;

    private DevAccounts()
    {
    }

    /** The private key of development account {@code i} (0-based). */
    public static byte[] privateKey(final int i)
    {
        return derive(MNEMONIC, new int[]{ 44 | HARDENED, 60 | HARDENED, HARDENED, 0, i });
    }

    public static Address address(final int i)
    {
        return TxSigner.addressOf(privateKey(i));
    }

    /** BIP-39 seed (no passphrase) then BIP-32 private derivation along {@code path}. */
    static byte[] derive(final String mnemonic, final int[] path)
    {
        try
        {
            final char[] words = Normalizer.normalize(mnemonic, Normalizer.Form.NFKD).toCharArray();
            final byte[] salt = "mnemonic".getBytes(StandardCharsets.UTF_8);
            final byte[] seed = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512")
                .generateSecret(new PBEKeySpec(words, salt, 2048, 512)).getEncoded();

            byte[] i = hmacSha512("Bitcoin seed".getBytes(StandardCharsets.US_ASCII), seed);
            byte[] key = Arrays.copyOfRange(i, 0, 32);
            byte[] chainCode = Arrays.copyOfRange(i, 32, 64);
            final Secp256k1 secp = Secp256k1Library.get();
            for (final int index : path)
            {
                final ByteBuffer data = ByteBuffer.allocate(37);
                if ((index & HARDENED) != 0)
                {
                    data.put((byte)0).put(key);
                }
                else
                {
                    data.put(secp.pubKeyCompress(secp.pubkeyCreate(key)));
                }
                data.putInt(index);
                i = hmacSha512(chainCode, data.array());
                key = secp.privKeyTweakAdd(key, Arrays.copyOfRange(i, 0, 32));
                chainCode = Arrays.copyOfRange(i, 32, 64);
            }
            return key;
        }
        catch (final GeneralSecurityException e)
        {
            throw new IllegalStateException("JDK lacks PBKDF2/HMAC-SHA512", e);
        }
    }

    private static byte[] hmacSha512(final byte[] key, final byte[] data) throws GeneralSecurityException
    {
        final Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(key, "HmacSHA512"));
        return mac.doFinal(data);
    }
}
