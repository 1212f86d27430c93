package dev.seqnet.node.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.seqnet.chain.tx.TxRejection;

/**
 * What a client should make of a member's answer to {@code eth_sendRawTransaction}, as a wallet would:
 * take it, send the same transaction again later, or give it up. The member says "not now" when its
 * pool, its ingress ring or the sender's slots are full, or when the nonce is further ahead of the
 * account than the pool queues; each clears once blocks finalize, so the same signed transaction,
 * sent again after a pause, gets in. Everything else is final for that transaction.
 */
enum ReplyKind
{
    /** Admitted now, or by an earlier attempt of the same transaction. */
    ACCEPTED,
    /** Refused for now (or the request failed on the way): send the same transaction again after a pause. */
    RETRY,
    /** Refused for good. */
    REJECTED;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The refusals that clear once blocks finalize: the member asks the client to come back. */
    private static final TxRejection[] NOT_NOW = {
        TxRejection.POOL_FULL, TxRejection.OVERLOADED, TxRejection.ACCOUNT_LIMIT, TxRejection.NONCE_TOO_HIGH};

    /**
     * The kind of a JSON-RPC error message, or ACCEPTED for {@code null} (a result).
     *
     * @param attempt 0 for the first send of the transaction. From the second on, "already known" and
     *                "nonce too low" mean an earlier attempt got in (its reply lost, or its block already
     *                final), so the transaction is in.
     */
    static ReplyKind of(final String errorMessage, final int attempt)
    {
        if (errorMessage == null || errorMessage.startsWith(TxRejection.ALREADY_KNOWN.message()))
        {
            return ACCEPTED;
        }
        if (attempt > 0 && errorMessage.startsWith(TxRejection.NONCE_TOO_LOW.message()))
        {
            return ACCEPTED;
        }
        for (final TxRejection notNow : NOT_NOW)
        {
            if (errorMessage.startsWith(notNow.message()))
            {
                return RETRY;
            }
        }
        return REJECTED;
    }

    /** The {@code error.message} of a JSON-RPC reply body, or null when it holds a result. */
    static String errorMessage(final String body)
    {
        if (!body.contains("\"error\""))
        {
            return null;
        }
        try
        {
            final JsonNode error = MAPPER.readTree(body).path("error");
            return error.isMissingNode() ? null : error.path("message").asText(body);
        }
        catch (final Exception e)
        {
            return body;
        }
    }
}
