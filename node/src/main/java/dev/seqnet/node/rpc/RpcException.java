package dev.seqnet.node.rpc;

/** A JSON-RPC error with its code: -32700 parse, -32600 invalid request, -32601 no method, -32602 params, -32000 tx rejected. */
public final class RpcException extends Exception
{
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** A transaction the node refused; the message names the reason (geth uses -32000 too). */
    public static final int TX_REJECTED = -32000;
    /** The node is overloaded (ingress ring full); retry later. */
    public static final int OVERLOADED = -32005;

    private static final long serialVersionUID = 1L;

    private final int code;

    public RpcException(final int code, final String message)
    {
        super(message, null, false, false);
        this.code = code;
    }

    public int code()
    {
        return code;
    }

    public static RpcException params(final String message)
    {
        return new RpcException(INVALID_PARAMS, message);
    }
}
