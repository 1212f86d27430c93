package dev.seqnet.node.config;

import dev.seqnet.chain.Hex;
import dev.seqnet.consensus.MemberSet;
import dev.seqnet.consensus.MessageKind;
import dev.seqnet.consensus.SigningDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Genesis: the hash of its exact bytes, l1_fee_rate and fast_path_slack, and the member set it yields. */
class GenesisTest
{
    /** secp256k1's generator G (private key 1) and its well-known Ethereum address. */
    private static final String G = "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    private static final String G_ADDRESS = "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf";
    /** 2G (private key 2) and its address. */
    private static final String G2 = "0x02c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";
    private static final String G2_ADDRESS = "0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF";
    /** 3G (private key 3) and its address. */
    private static final String G3 = "0x02f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
    private static final String G3_ADDRESS = "0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69";

    private static final String FILE = """
        {
          "chain_id" : 5115,
          "timestamp" : 1700000000,
          "fee_recipient" : "0x0000000000000000000000000000000000000000",
          "l1_fee_rate" : "7",
          "consensus" : {
            "fast_path_slack" : 0
          },
          "members" : [ {
            "index" : 0,
            "address" : "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
            "public_key" : "0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798",
            "stake" : "1"
          } ],
          "alloc" : { }
        }
        """;

    /** python3 -c "import hashlib; print(hashlib.sha256(open('g.json','rb').read()).hexdigest())" over FILE's 420 bytes. */
    private static final String FILE_SHA256 = "5851306fce6dc4278e8c1472bad552fccedb11ac908c8b8cb62b0e34ec9e5dcf";

    @TempDir
    Path dir;

    private Genesis write(final String text) throws Exception
    {
        final Path file = dir.resolve("genesis.json");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return Genesis.load(file);
    }

    @Test
    void genesisHashIsSha256OfTheFileBytesAndBindsTheSigningDomain() throws Exception
    {
        assertEquals(420, FILE.getBytes(StandardCharsets.UTF_8).length);
        final Genesis genesis = write(FILE);
        assertEquals(FILE_SHA256, Hex.encodeBare(genesis.genesisHash()));
        final byte[] blockHash = new byte[32];
        blockHash[0] = 9;
        assertArrayEquals(new SigningDomain(5115, Hex.decode(FILE_SHA256)).voteDigest(MessageKind.NOTARIZE, 3, blockHash),
            genesis.signingDomain().voteDigest(MessageKind.NOTARIZE, 3, blockHash));

        // Same content, one more space: another network as far as signatures go.
        final Genesis spaced = write(FILE.replace("\"chain_id\" :", "\"chain_id\"  :"));
        assertEquals(genesis.chainId, spaced.chainId);
        assertFalse(Hex.encodeBare(spaced.genesisHash()).equals(FILE_SHA256));
    }

    @Test
    void l1FeeRateAndSlackComeFromGenesis() throws Exception
    {
        final Genesis genesis = write(FILE);
        assertEquals(BigInteger.valueOf(7), genesis.l1FeeRateValue());
        assertEquals(0, genesis.fastPathSlack());
        final MemberSet set = genesis.memberSet();
        assertEquals(1, set.size());
        assertEquals(G_ADDRESS.toLowerCase(), set.member(0).address().toHex().toLowerCase());
        assertEquals(1, set.quorums().fastQuorum());
    }

    @Test
    void anOlderGenesisWithoutTheNewKeysGetsTheDefaults() throws Exception
    {
        final Genesis genesis = write(FILE.replace("  \"l1_fee_rate\" : \"7\",\n", "")
            .replace("  \"consensus\" : {\n    \"fast_path_slack\" : 0\n  },\n", ""));
        assertEquals(BigInteger.ONE, genesis.l1FeeRateValue());
        assertEquals(0, genesis.fastPathSlack());
        assertEquals(Genesis.DEFAULT_MAX_TRANSACTIONS, genesis.maxBlockTransactions(),
            "a genesis from before block.max_transactions keeps its bytes (and hash) and gets the default cap");
    }

    @Test
    void blockMaxTransactionsIsANetworkSettingFromOneToWhatAProposalCarries() throws Exception
    {
        final String withBlock = FILE.replace("  \"consensus\" : {", "  \"block\" : {\n    \"max_transactions\" : CAP\n  },\n  \"consensus\" : {");
        assertEquals(64, write(withBlock.replace("CAP", "64")).maxBlockTransactions());
        assertEquals(1, write(withBlock.replace("CAP", "1")).maxBlockTransactions());
        assertEquals(512, write(withBlock.replace("CAP", "512")).maxBlockTransactions());
        for (final String bad : List.of("0", "-5", "513", "100000"))
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(withBlock.replace("CAP", bad)));
            assertEquals("genesis block.max_transactions must be in [1, 512] (the most transaction hashes a proposal carries): " + bad,
                e.getMessage());
        }
        final IllegalArgumentException nullBlock = assertThrows(IllegalArgumentException.class,
            () -> write(FILE.replace("  \"consensus\" : {", "  \"block\" : null,\n  \"consensus\" : {")));
        assertTrue(nullBlock.getMessage().startsWith("genesis block.max_transactions must be in [1, 512]"), nullBlock.getMessage());
        // Not a number: the JSON reader names the field.
        final Exception text = assertThrows(Exception.class, () -> write(withBlock.replace("CAP", "\"many\"")));
        assertTrue(text.getMessage().contains("max_transactions"), text.getMessage());
        assertThrows(Exception.class, () -> write(withBlock.replace("CAP", "64,\n    \"max_bytes\" : 1")), "unknown keys are refused");

        // A genesis written today spells the cap out, so a later default never changes an existing network.
        final Genesis saved = write(FILE);
        saved.save(dir.resolve("saved.json"));
        assertTrue(Files.readString(dir.resolve("saved.json")).contains("\"max_transactions\" : " + Genesis.DEFAULT_MAX_TRANSACTIONS));
    }

    private static String threeMembers(final String slack)
    {
        return FILE.replace("\"fast_path_slack\" : 0", "\"fast_path_slack\" : " + slack)
            .replace("\"stake\" : \"1\"\n  } ]", "\"stake\" : \"1\"\n  }, {\n" +
                "    \"index\" : 1, \"address\" : \"" + G2_ADDRESS + "\", \"public_key\" : \"" + G2 + "\", \"stake\" : \"1\"\n  }, {\n" +
                "    \"index\" : 2, \"address\" : \"" + G3_ADDRESS + "\", \"public_key\" : \"" + G3 + "\", \"stake\" : \"1\"\n  } ]");
    }

    @Test
    void fastPathSlackIsAnIntegerOrAuto() throws Exception
    {
        // n = 3 equal stakes (PROTOCOL.md §1.1 table): auto gives f = 0, p = 1, F = 2; slack 0 gives F = 3.
        final Genesis auto = write(threeMembers("\"auto\""));
        assertEquals(3, auto.memberSet().size());
        assertEquals(1, auto.memberSet().quorums().p());
        assertEquals(2, auto.memberSet().quorums().fastQuorum());
        final Genesis zero = write(threeMembers("0"));
        assertEquals(3, zero.memberSet().quorums().fastQuorum());
        assertEquals(2, zero.memberSet().quorums().quorum());
        // p = 2 leaves f = ⌊(3 − 1 − 4)/3⌋ < 0.
        assertThrows(IllegalArgumentException.class, () -> write(threeMembers("2")));
        assertThrows(IllegalArgumentException.class, () -> write(threeMembers("-1")));
        assertThrows(IllegalArgumentException.class, () -> write(threeMembers("\"some\"")));
        assertThrows(IllegalArgumentException.class, () -> write(threeMembers("0.5")));
    }

    @Test
    void invalidMembersAndFeeRatesAreRefused() throws Exception
    {
        final IllegalArgumentException wrongAddress = assertThrows(IllegalArgumentException.class,
            () -> write(FILE.replace(G_ADDRESS, G2_ADDRESS)));
        assertTrue(wrongAddress.getMessage().contains("address does not match"), wrongAddress.getMessage());
        // Same key twice.
        assertThrows(IllegalArgumentException.class, () -> write(threeMembers("0").replace(G3, G2).replace(G3_ADDRESS, G2_ADDRESS)));
        // A point off the curve (x = 5 has no y on secp256k1).
        assertThrows(IllegalArgumentException.class, () -> write(FILE.replace(G,
            "0x020000000000000000000000000000000000000000000000000000000000000005")));
        assertThrows(IllegalArgumentException.class, () -> write(FILE.replace("\"7\"", "\"340282366920938463463374607431768211456\"")));
        assertThrows(IllegalArgumentException.class, () -> write(FILE.replace("\"7\"", "\"-1\"")));
        // 2^128 − 1 is the largest u128.
        assertEquals(BigInteger.TWO.pow(128).subtract(BigInteger.ONE),
            write(FILE.replace("\"7\"", "\"340282366920938463463374607431768211455\"")).l1FeeRateValue());
    }

    @Test
    void aGenesisBuiltInMemoryHasAHashOnlyOnceSaved() throws Exception
    {
        final Genesis genesis = write(FILE);
        final Genesis copy = new Genesis();
        copy.chainId = genesis.chainId;
        copy.members = genesis.members;
        assertThrows(IllegalStateException.class, copy::genesisHash);
        final Path file = dir.resolve("copy.json");
        copy.save(file);
        assertArrayEquals(Genesis.load(file).genesisHash(), copy.genesisHash());
    }
}
