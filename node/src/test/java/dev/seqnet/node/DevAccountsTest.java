package dev.seqnet.node;

import dev.seqnet.chain.Hex;
import dev.seqnet.node.config.DevAccounts;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DevAccountsTest
{
    @Test
    void derivesTheSameKeysAsWeb3jBip32()
    {
        final byte[] seed = MnemonicUtils.generateSeed(DevAccounts.MNEMONIC, "");
        final Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(seed);
        for (int i = 0; i < DevAccounts.COUNT; i++)
        {
            final int[] path = { 44 | Bip32ECKeyPair.HARDENED_BIT, 60 | Bip32ECKeyPair.HARDENED_BIT,
                Bip32ECKeyPair.HARDENED_BIT, 0, i };
            final Bip32ECKeyPair child = Bip32ECKeyPair.deriveKeyPair(master, path);
            final byte[] expected = org.web3j.utils.Numeric.toBytesPadded(child.getPrivateKey(), 32);
            assertArrayEquals(expected, DevAccounts.privateKey(i), "account " + i);
            assertEquals(Credentials.create(child).getAddress(), DevAccounts.address(i).toHex(), "account " + i);
        }
    }

    @Test
    void firstAccountIsTheOneEveryDevToolFunds()
    {
        // Published by Hardhat/Anvil/Foundry docs for the `test ... junk` mnemonic.
        assertEquals("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266", DevAccounts.address(0).toHex());
        assertEquals("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
            Hex.encode(DevAccounts.privateKey(0)));
    }
}
