package dev.seqnet.consensus.core;

/** Receives, in execution order, the commands one {@link ConsensusCore#on} call yields. */
@FunctionalInterface
public interface CommandSink
{
    void accept(Command command);
}
