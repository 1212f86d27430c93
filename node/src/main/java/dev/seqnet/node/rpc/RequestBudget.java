package dev.seqnet.node.rpc;

/**
 * How many blocks one HTTP request or WebSocket message (a whole batch) may return: a 100-byte
 * batch must not make the node build a response of hundreds of megabytes.
 */
public final class RequestBudget
{
    private int blocksLeft;

    public RequestBudget(final int maxBlocks)
    {
        this.blocksLeft = maxBlocks;
    }

    /** @throws RpcException (-32600) once the request asks for more blocks than it may. */
    public synchronized void takeBlocks(final int blocks) throws RpcException
    {
        if (blocks > blocksLeft)
        {
            throw new RpcException(RpcException.INVALID_REQUEST,
                "request asks for too many blocks: split the batch (rpc.max_blocks_per_request)");
        }
        blocksLeft -= blocks;
    }
}
