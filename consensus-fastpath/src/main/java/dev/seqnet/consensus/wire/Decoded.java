package dev.seqnet.consensus.wire;

/**
 * The outcome of decoding or verifying a frame: the value, or the {@link DropReason} it was dropped
 * for. Failures are shared constants, so a dropped frame allocates nothing here.
 *
 * @param <T> the decoded value's type.
 */
public final class Decoded<T>
{
    private static final Decoded<?>[] DROPS = new Decoded<?>[DropReason.count()];

    static
    {
        for (int i = 0; i < DROPS.length; i++)
        {
            DROPS[i] = new Decoded<>(null, DropReason.of(i));
        }
    }

    private final T value;
    private final DropReason drop;

    private Decoded(final T value, final DropReason drop)
    {
        this.value = value;
        this.drop = drop;
    }

    /** A successfully decoded value. */
    public static <T> Decoded<T> ok(final T value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("a decoded value is never null");
        }
        return new Decoded<>(value, null);
    }

    /** The shared failure for {@code reason}. */
    @SuppressWarnings("unchecked")
    public static <T> Decoded<T> drop(final DropReason reason)
    {
        return (Decoded<T>)DROPS[reason.ordinal()];
    }

    /** True when the frame decoded (and, from {@link InboundVerifier}, verified). */
    public boolean isOk()
    {
        return drop == null;
    }

    /** The value; null when dropped. */
    public T value()
    {
        return value;
    }

    /** The reason; null when decoded. */
    public DropReason drop()
    {
        return drop;
    }

    /** The same failure retyped, for passing a drop up from a nested decode. */
    @SuppressWarnings("unchecked")
    <U> Decoded<U> retype()
    {
        if (drop == null)
        {
            throw new IllegalStateException("not a drop");
        }
        return (Decoded<U>)this;
    }

    @Override
    public String toString()
    {
        return drop == null ? "Decoded[" + value + "]" : "Decoded[" + drop + "]";
    }
}
