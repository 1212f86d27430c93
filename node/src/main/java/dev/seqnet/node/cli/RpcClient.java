package dev.seqnet.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A small JSON-RPC 2.0 client over the JDK's HTTP client, for the CLI's own tools and tests. */
public final class RpcClient
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private long nextId = 1;

    public RpcClient(final String url)
    {
        this.uri = URI.create(url);
    }

    /** Calls and returns {@code result}; a JSON-RPC error becomes an {@link IOException} with its code. */
    public JsonNode call(final String method, final Object... params) throws IOException, InterruptedException
    {
        final String body;
        try
        {
            body = send(request(method, params)).join();
        }
        catch (final java.util.concurrent.CompletionException e)
        {
            throw e.getCause() instanceof IOException ? (IOException)e.getCause() : new IOException(e.getCause());
        }
        final JsonNode response = MAPPER.readTree(body);
        final JsonNode error = response.get("error");
        if (error != null)
        {
            throw new IOException("rpc error " + error.path("code").asInt() + ": " + error.path("message").asText());
        }
        return response.get("result");
    }

    /** Sends a request body without waiting; completes with the raw response text. */
    public CompletableFuture<String> send(final String body)
    {
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(HttpResponse::body);
    }

    public synchronized String request(final String method, final Object... params)
    {
        final ObjectNode o = MAPPER.createObjectNode();
        o.put("jsonrpc", "2.0");
        o.put("id", nextId++);
        o.put("method", method);
        final ArrayNode p = o.putArray("params");
        for (final Object param : params)
        {
            p.add(MAPPER.valueToTree(param));
        }
        return o.toString();
    }

    public HttpClient http()
    {
        return http;
    }
}
