package dev.seqnet.chain.tx;

/**
 * Every reason a transaction is refused, each with the message a client sees in the JSON-RPC
 * error. Messages follow geth's wording where geth has one, so wallets recognise them.
 */
public enum TxRejection
{
    // Stateless: decided from the bytes alone (TxDecoder).
    MALFORMED_RLP("malformed transaction: invalid RLP"),
    OVERSIZED("oversized data: transaction size exceeds 131072 bytes"),
    UNKNOWN_TYPE("transaction type not supported"),
    BLOB_TX_UNSUPPORTED("blob transactions (type 3) are not supported"),
    UNPROTECTED_LEGACY("only replay-protected (EIP-155) transactions allowed over RPC"),
    WRONG_CHAIN_ID("invalid chain id for signer"),
    HIGH_S("invalid transaction signature: s value in upper half of curve order (EIP-2)"),
    INVALID_SIGNATURE("invalid transaction signature: sender cannot be recovered"),
    GAS_LIMIT_EXCEEDS_BLOCK("exceeds block gas limit"),
    INTRINSIC_GAS_TOO_LOW("intrinsic gas too low"),
    FEE_CAP_BELOW_FLOOR("max fee per gas less than block base fee floor (0.01 gwei)"),
    TIP_ABOVE_FEE_CAP("max priority fee per gas higher than max fee per gas"),
    FEE_TOO_HIGH("fee per gas higher than 2^63-1 wei"),
    CONTRACT_CREATION_UNSUPPORTED("contract creation is not supported by the native-token ledger"),

    // Stateful: decided against the ledger and the mempool (single-writer admission stage).
    NONCE_TOO_LOW("nonce too low"),
    NONCE_TOO_HIGH("nonce too high: too far ahead of the account nonce"),
    ALREADY_KNOWN("already known"),
    INSUFFICIENT_FUNDS("insufficient funds for gas * price + value"),
    REPLACEMENT_UNDERPRICED("replacement transaction underpriced: needs a fee bump of at least 10%"),
    ACCOUNT_LIMIT("account limit exceeded: too many pending and queued transactions for this sender"),
    POOL_FULL("txpool is full"),
    OVERLOADED("node overloaded: ingress ring buffer is full, retry"),
    INTERNAL_ERROR("internal error while admitting the transaction; it was not admitted");

    private final String message;

    TxRejection(final String message)
    {
        this.message = message;
    }

    /** The text returned to the client. */
    public String message()
    {
        return message;
    }

    /**
     * The text returned to the client for this refusal with {@code detail} (the decoder's or pool's words): the
     * message, then the detail after a colon when it adds anything.
     */
    public String message(final String detail)
    {
        return null == detail || detail.equals(message) ? message : message + ": " + detail;
    }
}
