package dev.seqnet.node.cli;

import dev.seqnet.node.config.Genesis;
import dev.seqnet.node.config.KeyFile;
import dev.seqnet.node.config.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sequencer init}: lays out a member directory (node.json, key.json, genesis.json, data/).
 * Without {@code --genesis} it writes a one-member genesis for this key with the dev accounts funded.
 * With {@code --nodes N} it lays out a whole local network instead, as {@code sequencer testnet}
 * would, without starting it.
 */
@Command(name = "init", description = "Create a member directory (node.json, key.json, genesis.json), " +
    "or with --nodes N a local network's directory.")
public final class InitCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Member directory to create (with --nodes: the network's).")
    Path dir;

    @Option(names = "--nodes", description = "Lay out a local network of N members (1 to 16): DIR/genesis.json, " +
        "DIR/member-I/{key.json,node.json} on free loopback ports.")
    Integer nodes;

    @Option(names = "--key", description = "Existing key file to copy (default: generate one).")
    Path key;

    @Option(names = "--genesis", description = "Existing genesis file to copy (default: one-member genesis for this key).")
    Path genesis;

    @Option(names = "--chain-id", defaultValue = "5115", description = "Chain id for a generated genesis (default ${DEFAULT-VALUE}).")
    long chainId;

    int rpcPort = 8545;
    boolean rpcPortGiven;

    @Option(names = "--rpc-port", description = "JSON-RPC port (default 8545; with --nodes: of member 0, " +
        "member i uses port + i, default free ports).")
    void rpcPort(final int port)
    {
        rpcPort = port;
        rpcPortGiven = true;
    }

    @Option(names = "--fund", description = "Extra genesis allocation ADDRESS=WEI (repeatable).")
    List<String> fund = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
        if (nodes != null)
        {
            return network();
        }
        final Path config = dir.resolve("node.json");
        if (Files.exists(config))
        {
            System.err.println("error: " + config + " exists; refusing to overwrite");
            return 2;
        }
        Files.createDirectories(dir);
        final Path keyPath = dir.resolve("key.json");
        final KeyFile keyFile;
        if (key != null)
        {
            keyFile = KeyFile.of(KeyFile.load(key));
        }
        else
        {
            keyFile = KeyFile.generate();
        }
        keyFile.save(keyPath);

        final Path genesisPath = dir.resolve("genesis.json");
        if (genesis != null)
        {
            Files.copy(genesis, genesisPath, StandardCopyOption.REPLACE_EXISTING);
            Genesis.load(genesisPath);
        }
        else
        {
            final Genesis g = Testnets.genesis(chainId, List.of(keyFile), fund);
            g.save(genesisPath);
        }
        final NodeConfig node = new NodeConfig();
        node.rpc.port = rpcPort;
        node.save(config);
        System.out.println("member directory " + dir.toAbsolutePath());
        System.out.println("address          " + keyFile.address);
        System.out.println("start it with    bin/sequencer run --config " + config);
        return 0;
    }

    private int network() throws Exception
    {
        final String bad = TestnetLayout.checkNodes(nodes);
        if (bad != null || key != null || genesis != null)
        {
            System.err.println("error: " + (bad != null ? bad : "--nodes generates every key and the genesis: " +
                "drop --key and --genesis"));
            return 2;
        }
        if (Files.exists(TestnetLayout.genesisPath(dir)))
        {
            System.err.println("error: " + TestnetLayout.genesisPath(dir) + " exists; refusing to overwrite");
            return 2;
        }
        final List<Path> configs = TestnetLayout.create(dir, nodes, chainId, fund, rpcPortGiven ? rpcPort : 0);
        System.out.println("network directory " + dir.toAbsolutePath() + " (" + nodes + " members, chain id " + chainId + ")");
        for (int i = 0; i < configs.size(); i++)
        {
            System.out.println("member " + i + "  rpc " + TestnetLayout.rpcUrl(configs.get(i)) +
                "  bin/sequencer run --config " + configs.get(i));
        }
        return 0;
    }
}
