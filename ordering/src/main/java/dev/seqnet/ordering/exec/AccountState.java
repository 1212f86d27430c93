package dev.seqnet.ordering.exec;

import dev.seqnet.chain.Address;

import java.math.BigInteger;

/**
 * Read access to account nonces and balances: what the mempool needs to admit a transaction. The
 * {@link Execution} answers with committed state, a {@link BlockExecution} with its block's
 * speculative state, {@link Execution#speculative()} with the tip of the open chain.
 */
public interface AccountState
{
    /** The next nonce the account must use; 0 for an account that does not exist. */
    long nonce(Address account);

    /** The balance in wei; zero for an account that does not exist. Never negative. */
    BigInteger balance(Address account);
}
