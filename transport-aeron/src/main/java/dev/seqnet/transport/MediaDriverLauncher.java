package dev.seqnet.transport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.LogBufferDescriptor;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;

/**
 * An embedded Aeron media driver for one sequencer member, tuned for members colocated on loopback:
 * its own directory (unique by default, deleted on start and on close), one {@code SHARED} thread with a
 * backoff idle strategy (busy-spin threads only with the explicit {@link Profile#DEDICATED_BUSY_SPIN}),
 * and NAK/retransmit timings sized to a loopback round trip instead of a WAN's (see {@link Context}).
 */
public final class MediaDriverLauncher implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(MediaDriverLauncher.class.getName());
    /** A driver directory without a ready CnC file is taken for a dead start only after this long. */
    private static final long STALE_NO_CNC_GRACE_MS = 60_000;
    private final Context ctx;
    private final MediaDriver driver;
    private boolean closed;

    private MediaDriverLauncher(final Context ctx)
    {
        this.ctx = ctx;
        final MediaDriver.Context driverCtx = ctx.toDriverContext();
        this.driver = MediaDriver.launch(driverCtx);
    }

    /**
     * Launches a media driver.
     *
     * @param ctx configuration; concluded here.
     * @return the running driver, to be closed by the caller.
     */
    public static MediaDriverLauncher launch(final Context ctx)
    {
        ctx.conclude();
        if (ctx.sweepStaleDirectories())
        {
            final java.nio.file.Path dir = Paths.get(ctx.aeronDirectoryName()).toAbsolutePath();
            StaleDriverDirectories.sweep(dir.getParent(), dir, io.aeron.CommonContext.DEFAULT_DRIVER_TIMEOUT_MS,
                STALE_NO_CNC_GRACE_MS, m -> LOG.log(System.Logger.Level.INFO, m));
        }
        return new MediaDriverLauncher(ctx);
    }

    /** Directory of the driver's CnC file and log buffers: give it to {@code Transport.Context.aeronDirectoryName}. */
    public String aeronDirectoryName()
    {
        return driver.aeronDirectoryName();
    }

    /** The underlying Aeron driver (for its context and counters). */
    public MediaDriver mediaDriver()
    {
        return driver;
    }

    /**
     * With {@link Profile#INVOKER}: the driver's whole duty cycle, to be invoked by one thread (give it to
     * {@code Transport.Context.driverAgentInvoker}); null with a threaded profile.
     */
    public AgentInvoker agentInvoker()
    {
        return driver.sharedAgentInvoker();
    }

    /**
     * Connects an Aeron client to this driver whose conductor, like the driver with {@link Profile#INVOKER}, has no
     * thread: one thread invokes {@link #agentInvoker()} and the client's {@code conductorAgentInvoker()} in its duty
     * cycle. The caller closes the client before the driver.
     */
    public Aeron connectInvokedClient()
    {
        return Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(aeronDirectoryName())
            .useConductorAgentInvoker(true)
            .driverAgentInvoker(agentInvoker()));
    }

    /** The concluded configuration. */
    public Context context()
    {
        return ctx;
    }

    /** Stops the driver and deletes its directory (the driver deletes it; a leftover is removed here too). Idempotent. */
    public void close()
    {
        if (!closed)
        {
            closed = true;
            final File dir = new File(driver.aeronDirectoryName());
            try
            {
                CloseHelper.close(driver);
            }
            finally
            {
                IoUtil.delete(dir, true);
            }
        }
    }

    public String toString()
    {
        return "MediaDriverLauncher{" + ctx + '}';
    }

    /** Threading of the driver's conductor, sender and receiver. */
    public enum Profile
    {
        /**
         * One thread for conductor, sender and receiver, backing off from spinning to yielding to parking
         * up to {@link Context#idleMaxParkNs()}: the default, right when members share few cores.
         */
        SHARED_BACKOFF,

        /**
         * No driver thread at all: conductor, sender and receiver run whenever {@link #agentInvoker()} is invoked,
         * which a {@link Transport} given that invoker does on every {@link Transport#poll} (so the member's
         * transport agent is its driver too). On few cores this removes a thread and, more important, a second
         * idle park on every hop: a frame offered or arrived waits for one backoff sleep, not the driver's as well.
         */
        INVOKER,

        /**
         * Three threads busy-spinning (sender and receiver with no idle at all): the lowest latency, but only
         * with three spare cores per member; on a shared 2-core machine it starves everything else.
         */
        DEDICATED_BUSY_SPIN
    }

    /**
     * Driver configuration, Aeron style: fluent setters, then {@link #conclude()} validates and applies defaults.
     * Each default below says what it replaces in Aeron's defaults and why.
     */
    public static final class Context
    {
        /** Default term buffer length: 16 MiB, so the largest message (term / 8) is 2 MiB, above a ~1.3 MB max block. */
        public static final int DEFAULT_TERM_BUFFER_LENGTH = 16 * 1024 * 1024;

        /**
         * Default MTU: 8 KiB datagrams. Loopback's MTU is 64 KiB, so larger datagrams cost no IP
         * fragmentation, and a 126 KB block goes out in 16 datagrams instead of 92 (Aeron's 1408 is sized for
         * Ethernet; set it back for members on a real network).
         */
        public static final int DEFAULT_MTU_LENGTH = 8 * 1024;

        /** Default SO_RCVBUF and SO_SNDBUF: 2 MiB, so a whole receiver window fits in the socket (Aeron: 128 KiB / OS default). */
        public static final int DEFAULT_SOCKET_BUFFER_LENGTH = 2 * 1024 * 1024;

        /**
         * Default receiver window: 1 MiB (Aeron: 128 KiB), so most of a max block is in flight before the
         * first status message; half the socket buffer, leaving room for other senders to the same socket.
         */
        public static final int DEFAULT_INITIAL_WINDOW_LENGTH = 1024 * 1024;

        /**
         * Default longest random delay before a multicast receiver NAKs a gap: 200 us (Aeron: 10 ms). The
         * backoff lets one receiver's NAK suppress the others'; with a handful of members on one host there is
         * no NAK implosion to prevent, and 10 ms would turn any loss into a 10-20 ms tail.
         */
        public static final long DEFAULT_NAK_MULTICAST_MAX_BACKOFF_NS = TimeUnit.MICROSECONDS.toNanos(200);

        /** Default estimated multicast group size for the NAK backoff: 8 (Aeron: 10), a small sequencer network. */
        public static final int DEFAULT_NAK_MULTICAST_GROUP_SIZE = 8;

        /**
         * Default unicast NAK delay: 1 us, Aeron's (NAK at once, repeat after 100 x that): loopback does not
         * reorder, so a gap is a loss.
         */
        public static final long DEFAULT_NAK_UNICAST_DELAY_NS = TimeUnit.MICROSECONDS.toNanos(1);

        /**
         * Default time a sender ignores repeated NAKs for data it just retransmitted: 1 ms (Aeron: 10 ms). It must
         * exceed a round trip (tens of us here, a few hundred under load); if the retransmission itself is lost,
         * the receiver's repeated NAK is served after this linger, so 10 ms would again be a 10 ms tail.
         */
        public static final long DEFAULT_RETRANSMIT_UNICAST_LINGER_NS = TimeUnit.MILLISECONDS.toNanos(1);

        /**
         * Default longest interval between receiver status messages: 50 ms (Aeron: 200 ms), so min flow control
         * can drop a dead receiver after a few hundred ms (see {@code Transport.Context.flowControlReceiverTimeoutNs})
         * without dropping live idle ones.
         */
        public static final long DEFAULT_STATUS_MESSAGE_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(50);

        /** Default longest park of the backoff idle strategy: 1 ms (Aeron's), the idle-CPU versus wake-up latency trade. */
        public static final long DEFAULT_IDLE_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

        /**
         * Default sleep of the driver's async executor thread between polls of its queue: 10 ms (Aeron: 1 ms). The
         * thread only parses channel URIs and resolves names when a publication or subscription is added or an
         * endpoint re-resolved, yet Aeron's 1 ms sleep wakes it 1,000 times a second: 0.7–1.0 % of a core per driver
         * measured here, about 4 % of a core for a local network of four members and a load generator. Adding a
         * publication or subscription may now wait up to 10 ms more.
         */
        public static final long DEFAULT_ASYNC_EXECUTOR_SLEEP_NS = TimeUnit.MILLISECONDS.toNanos(10);

        private String aeronDirectoryName;
        private String name = "member";
        private Profile profile = Profile.SHARED_BACKOFF;
        private int termBufferLength = DEFAULT_TERM_BUFFER_LENGTH;
        private int mtuLength = DEFAULT_MTU_LENGTH;
        private int socketBufferLength = DEFAULT_SOCKET_BUFFER_LENGTH;
        private int initialWindowLength = DEFAULT_INITIAL_WINDOW_LENGTH;
        private long nakMulticastMaxBackoffNs = DEFAULT_NAK_MULTICAST_MAX_BACKOFF_NS;
        private int nakMulticastGroupSize = DEFAULT_NAK_MULTICAST_GROUP_SIZE;
        private long nakUnicastDelayNs = DEFAULT_NAK_UNICAST_DELAY_NS;
        private long retransmitUnicastLingerNs = DEFAULT_RETRANSMIT_UNICAST_LINGER_NS;
        private long statusMessageTimeoutNs = DEFAULT_STATUS_MESSAGE_TIMEOUT_NS;
        private long idleMaxParkNs = DEFAULT_IDLE_MAX_PARK_NS;
        private long asyncExecutorSleepNs = DEFAULT_ASYNC_EXECUTOR_SLEEP_NS;
        private Consumer<MediaDriver.Context> customizer;
        private boolean sweepStaleDirectories = true;
        private boolean concluded;

        /**
         * Validates the configuration and picks a unique directory if none was given.
         *
         * @throws IllegalStateException if concluded twice or a value is out of range.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            if (null == profile)
            {
                throw new IllegalStateException("profile not set");
            }
            try
            {
                LogBufferDescriptor.checkTermLength(termBufferLength);
            }
            catch (final IllegalStateException ex)
            {
                throw new IllegalStateException("termBufferLength: " + ex.getMessage(), ex);
            }
            if (mtuLength > initialWindowLength || initialWindowLength > socketBufferLength)
            {
                throw new IllegalStateException("need mtuLength " + mtuLength + " <= initialWindowLength " +
                    initialWindowLength + " <= socketBufferLength " + socketBufferLength);
            }
            if (nakMulticastGroupSize < 1 || nakMulticastMaxBackoffNs <= 0 || nakUnicastDelayNs <= 0 ||
                retransmitUnicastLingerNs <= 0 || statusMessageTimeoutNs <= 0 || idleMaxParkNs <= 0 || asyncExecutorSleepNs <= 0)
            {
                throw new IllegalStateException("NAK, linger, status, park and async executor settings must be positive: " + this);
            }
            if (null == aeronDirectoryName)
            {
                aeronDirectoryName = uniqueDirectoryName(name);
            }
            concluded = true;
            return this;
        }

        /**
         * A fresh directory name under {@code /dev/shm} (memory-backed, as Aeron prefers) or else
         * {@code java.io.tmpdir}: {@code seqnet-aeron-<name>-<random>}.
         */
        public static String uniqueDirectoryName(final String name)
        {
            final Path shm = Paths.get("/dev/shm");
            final Path base = Files.isDirectory(shm) && Files.isWritable(shm) ?
                shm : Paths.get(System.getProperty("java.io.tmpdir"));
            final String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            return base.resolve("seqnet-aeron-" + name + "-" + suffix).toString();
        }

        MediaDriver.Context toDriverContext()
        {
            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .aeronDirectoryName(aeronDirectoryName)
                // The directory is this member's alone (unique, or under the node's data-dir lock): delete
                // without probing for an "active" driver, whose heartbeat a SIGKILLed predecessor leaves fresh.
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false)
                .publicationTermBufferLength(termBufferLength)
                .ipcTermBufferLength(termBufferLength)
                .mtuLength(mtuLength)
                .ipcMtuLength(mtuLength)
                .socketRcvbufLength(socketBufferLength)
                .socketSndbufLength(socketBufferLength)
                .initialWindowLength(initialWindowLength)
                .nakMulticastMaxBackoffNs(nakMulticastMaxBackoffNs)
                .nakMulticastGroupSize(nakMulticastGroupSize)
                .nakUnicastDelayNs(nakUnicastDelayNs)
                .retransmitUnicastLingerNs(retransmitUnicastLingerNs)
                .statusMessageTimeoutNs(statusMessageTimeoutNs)
                .termBufferSparseFile(true)
                .asyncExecutorIdleStrategy(new SleepingIdleStrategy(asyncExecutorSleepNs));

            if (Profile.DEDICATED_BUSY_SPIN == profile)
            {
                driverCtx.threadingMode(ThreadingMode.DEDICATED)
                    .conductorIdleStrategy(new BusySpinIdleStrategy())
                    .senderIdleStrategy(NoOpIdleStrategy.INSTANCE)
                    .receiverIdleStrategy(NoOpIdleStrategy.INSTANCE);
            }
            else if (Profile.INVOKER == profile)
            {
                driverCtx.threadingMode(ThreadingMode.INVOKER);
            }
            else
            {
                driverCtx.threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1000, idleMaxParkNs));
            }

            if (null != customizer)
            {
                customizer.accept(driverCtx);
            }
            return driverCtx;
        }

        /** Directory for the CnC file and log buffers; default a unique one from {@link #uniqueDirectoryName}. */
        public Context aeronDirectoryName(final String aeronDirectoryName)
        {
            this.aeronDirectoryName = aeronDirectoryName;
            return this;
        }

        public String aeronDirectoryName()
        {
            return aeronDirectoryName;
        }

        /** Short name in the default directory name, e.g. {@code member-2}. */
        public Context name(final String name)
        {
            this.name = name;
            return this;
        }

        public String name()
        {
            return name;
        }

        /** Threading; default {@link Profile#SHARED_BACKOFF}. */
        public Context profile(final Profile profile)
        {
            this.profile = profile;
            return this;
        }

        public Profile profile()
        {
            return profile;
        }

        /**
         * Term buffer length of publications whose channel does not set {@code term-length} (Transport always
         * sets it): a power of two from 64 KiB to 1 GiB; see {@link #DEFAULT_TERM_BUFFER_LENGTH}.
         */
        public Context termBufferLength(final int termBufferLength)
        {
            this.termBufferLength = termBufferLength;
            return this;
        }

        public int termBufferLength()
        {
            return termBufferLength;
        }

        /** Datagram (and IPC frame) length; see {@link #DEFAULT_MTU_LENGTH}. */
        public Context mtuLength(final int mtuLength)
        {
            this.mtuLength = mtuLength;
            return this;
        }

        public int mtuLength()
        {
            return mtuLength;
        }

        /** SO_RCVBUF and SO_SNDBUF; the OS caps them at net.core.rmem_max / wmem_max (Aeron warns then). */
        public Context socketBufferLength(final int socketBufferLength)
        {
            this.socketBufferLength = socketBufferLength;
            return this;
        }

        public int socketBufferLength()
        {
            return socketBufferLength;
        }

        /** Receiver window (bytes a sender may have ahead of the receiver); see {@link #DEFAULT_INITIAL_WINDOW_LENGTH}. */
        public Context initialWindowLength(final int initialWindowLength)
        {
            this.initialWindowLength = initialWindowLength;
            return this;
        }

        public int initialWindowLength()
        {
            return initialWindowLength;
        }

        /** See {@link #DEFAULT_NAK_MULTICAST_MAX_BACKOFF_NS}. */
        public Context nakMulticastMaxBackoffNs(final long nakMulticastMaxBackoffNs)
        {
            this.nakMulticastMaxBackoffNs = nakMulticastMaxBackoffNs;
            return this;
        }

        public long nakMulticastMaxBackoffNs()
        {
            return nakMulticastMaxBackoffNs;
        }

        /** See {@link #DEFAULT_NAK_MULTICAST_GROUP_SIZE}. */
        public Context nakMulticastGroupSize(final int nakMulticastGroupSize)
        {
            this.nakMulticastGroupSize = nakMulticastGroupSize;
            return this;
        }

        public int nakMulticastGroupSize()
        {
            return nakMulticastGroupSize;
        }

        /** See {@link #DEFAULT_NAK_UNICAST_DELAY_NS}. */
        public Context nakUnicastDelayNs(final long nakUnicastDelayNs)
        {
            this.nakUnicastDelayNs = nakUnicastDelayNs;
            return this;
        }

        public long nakUnicastDelayNs()
        {
            return nakUnicastDelayNs;
        }

        /** See {@link #DEFAULT_RETRANSMIT_UNICAST_LINGER_NS}; applies to multicast and MDC senders too. */
        public Context retransmitUnicastLingerNs(final long retransmitUnicastLingerNs)
        {
            this.retransmitUnicastLingerNs = retransmitUnicastLingerNs;
            return this;
        }

        public long retransmitUnicastLingerNs()
        {
            return retransmitUnicastLingerNs;
        }

        /** See {@link #DEFAULT_STATUS_MESSAGE_TIMEOUT_NS}. */
        public Context statusMessageTimeoutNs(final long statusMessageTimeoutNs)
        {
            this.statusMessageTimeoutNs = statusMessageTimeoutNs;
            return this;
        }

        public long statusMessageTimeoutNs()
        {
            return statusMessageTimeoutNs;
        }

        /** Longest park of the {@link Profile#SHARED_BACKOFF} idle strategy; see {@link #DEFAULT_IDLE_MAX_PARK_NS}. */
        public Context idleMaxParkNs(final long idleMaxParkNs)
        {
            this.idleMaxParkNs = idleMaxParkNs;
            return this;
        }

        public long idleMaxParkNs()
        {
            return idleMaxParkNs;
        }

        /** Sleep of the driver's async executor thread between polls; see {@link #DEFAULT_ASYNC_EXECUTOR_SLEEP_NS}. */
        public Context asyncExecutorSleepNs(final long asyncExecutorSleepNs)
        {
            this.asyncExecutorSleepNs = asyncExecutorSleepNs;
            return this;
        }

        public long asyncExecutorSleepNs()
        {
            return asyncExecutorSleepNs;
        }

        /**
         * Last word on the Aeron driver context (applied after every setting above), for knobs not wrapped
         * here, e.g. {@code publicationConnectionTimeoutNs} or {@code imageLivenessTimeoutNs}.
         */
        public Context customizer(final Consumer<MediaDriver.Context> customizer)
        {
            this.customizer = customizer;
            return this;
        }

        public Consumer<MediaDriver.Context> customizer()
        {
            return customizer;
        }

        /**
         * Whether {@link #launch} first deletes the directories that dead drivers left next to this one's
         * ({@link StaleDriverDirectories}); default true.
         */
        public Context sweepStaleDirectories(final boolean sweepStaleDirectories)
        {
            this.sweepStaleDirectories = sweepStaleDirectories;
            return this;
        }

        public boolean sweepStaleDirectories()
        {
            return sweepStaleDirectories;
        }

        public String toString()
        {
            return "MediaDriverLauncher.Context{aeronDirectoryName=" + aeronDirectoryName + ", profile=" + profile +
                ", termBufferLength=" + termBufferLength + ", mtuLength=" + mtuLength +
                ", socketBufferLength=" + socketBufferLength + ", initialWindowLength=" + initialWindowLength +
                ", nakMulticastMaxBackoffNs=" + nakMulticastMaxBackoffNs +
                ", nakMulticastGroupSize=" + nakMulticastGroupSize + ", nakUnicastDelayNs=" + nakUnicastDelayNs +
                ", retransmitUnicastLingerNs=" + retransmitUnicastLingerNs +
                ", statusMessageTimeoutNs=" + statusMessageTimeoutNs + ", idleMaxParkNs=" + idleMaxParkNs +
                ", asyncExecutorSleepNs=" + asyncExecutorSleepNs + '}';
        }
    }
}
