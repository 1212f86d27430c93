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
 */
@Command(name = "init", description = "Create a member directory: node.json, key.json, genesis.json.")
public final class InitCommand implements Callable<Integer>
{
    @Option(names = "--dir", required = true, description = "Member directory to create.")
    Path dir;

    @Option(names = "--key", description = "Existing key file to copy (default: generate one).")
    Path key;

    @Option(names = "--genesis", description = "Existing genesis file to copy (default: one-member genesis for this key).")
    Path genesis;

    @Option(names = "--chain-id", defaultValue = "5115", description = "Chain id for a generated genesis (default ${DEFAULT-VALUE}).")
    long chainId;

    @Option(names = "--rpc-port", defaultValue = "8545", description = "JSON-RPC port (default ${DEFAULT-VALUE}).")
    int rpcPort;

    @Option(names = "--fund", description = "Extra genesis allocation ADDRESS=WEI (repeatable).")
    List<String> fund = new ArrayList<>();

    @Override
    public Integer call() throws Exception
    {
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
}
