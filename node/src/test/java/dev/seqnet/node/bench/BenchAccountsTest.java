package dev.seqnet.node.bench;

import dev.seqnet.chain.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bench keys, key files and pre-signed loads, checked with web3j as an independent implementation. */
class BenchAccountsTest
{
    @TempDir
    Path dir;

    @Test
    void derivedKeysAreKeccakOfTheirIndexAndTheirAddressesMatch()
    {
        final BenchAccounts accounts = BenchAccounts.derived(3);
        for (int i = 0; i < 3; i++)
        {
            final byte[] expected = Hash.sha3(("seqnet-bench-account-" + i).getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(expected, accounts.key(i));
            assertEquals(Credentials.create(Hex.encode(expected)).getAddress(), accounts.address(i).toHex().toLowerCase());
        }
    }

    @Test
    void keyFilesSkipCommentsAndRefuseBadLines() throws IOException
    {
        final String k1 = Hex.encode(BenchAccounts.derivedKey(7));
        final String k2 = Hex.encode(BenchAccounts.derivedKey(8)).substring(2);
        final Path file = dir.resolve("keys.txt");
        Files.writeString(file, "# bench senders\n" + k1 + "\n\n  " + k2 + "  \n");
        final BenchAccounts accounts = BenchAccounts.fromFile(file);
        assertEquals(2, accounts.size());
        assertArrayEquals(BenchAccounts.derivedKey(8), accounts.key(1));

        Files.writeString(file, k1 + "\n0x1234\n");
        final IOException shortKey = assertThrows(IOException.class, () -> BenchAccounts.fromFile(file));
        assertTrue(shortKey.getMessage().contains("line 2"), shortKey.getMessage());
        Files.writeString(file, "0x" + "ff".repeat(32) + "\n");
        assertThrows(IOException.class, () -> BenchAccounts.fromFile(file), "above the curve order");
        Files.writeString(file, "# nothing\n");
        assertThrows(IOException.class, () -> BenchAccounts.fromFile(file));
    }

    @Test
    void aLoadRoundRobinsOverActiveAccountsWithConsecutiveNonces() throws Exception
    {
        final BenchAccounts accounts = BenchAccounts.derived(4);
        accounts.retire(2);
        accounts.advance(1, 5);
        final SignedLoad load = SignedLoad.sign(accounts, 7, 5115);
        // Active accounts 0, 1, 3; transactions 0..6 go to 0,1,3,0,1,3,0 with nonces counting up per account.
        final int[] senders = {0, 1, 3, 0, 1, 3, 0};
        final long[] nonces = {0, 5, 0, 1, 6, 1, 2};
        final com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        for (int i = 0; i < load.size(); i++)
        {
            final var body = mapper.readTree(load.body(i));
            assertEquals("eth_sendRawTransaction", body.get("method").asText());
            assertEquals(i, body.get("id").asInt());
            final String raw = body.get("params").get(0).asText();
            final SignedRawTransaction tx = (SignedRawTransaction)TransactionDecoder.decode(raw);
            assertEquals(accounts.address(senders[i]).toHex().toLowerCase(), tx.getFrom(), "sender of tx " + i);
            assertEquals(BigInteger.valueOf(nonces[i]), tx.getNonce(), "nonce of tx " + i);
            assertEquals(5115L, ((Transaction1559)tx.getTransaction()).getChainId());
            assertEquals(senders[i], load.sender(i));
            assertEquals(i, load.indexOf(Hash.sha3(raw)), "found by its keccak hash");
        }
        assertEquals(-1, load.indexOf(Hash.sha3("0x00")));
        assertEquals(3, accounts.nextNonce(0));
        assertEquals(7, accounts.nextNonce(1));
        assertEquals(0, accounts.nextNonce(2), "a retired account is not used");
        assertEquals(2, accounts.nextNonce(3));
    }
}
