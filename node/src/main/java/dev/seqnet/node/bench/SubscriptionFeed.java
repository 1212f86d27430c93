package dev.seqnet.node.bench;

/**
 * Finality from a {@code newL2Blocks} WebSocket subscription ({@link BlockSubscriber}): each finalized block's
 * transactions, hashed by the subscriber and looked up in the followed load, as a wallet following the chain sees them.
 */
final class SubscriptionFeed implements FinalityFeed
{
    private final BlockSubscriber subscriber;

    SubscriptionFeed(final BlockSubscriber subscriber)
    {
        this.subscriber = subscriber;
    }

    @Override
    public void follow(final SignedLoad load, final Listener listener)
    {
        subscriber.listener(null == listener ? null : (hashHex, arrivedNanos) ->
        {
            final int i = load.indexOf(hashHex);
            if (i >= 0)
            {
                listener.finalized(i, arrivedNanos);
            }
        });
    }

    @Override
    public String failure()
    {
        return subscriber.failure();
    }

    @Override
    public String name()
    {
        return "subscription";
    }
}
