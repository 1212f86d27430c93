package dev.seqnet.node.bench;

import org.HdrHistogram.Histogram;

import java.util.List;

/**
 * What one open-loop run measured, counting only the transactions scheduled after the warm-up.
 * Latencies are in microseconds from each transaction's scheduled send time to the arrival of the
 * block holding it (the coordinated-omission correction: a late send counts against the system).
 *
 * @param rate             offered rate, tx/s.
 * @param warmupSeconds    warm-up length; its transactions are sent but not counted.
 * @param durationSeconds  length of the measured window of scheduled sends.
 * @param warmupSent       transactions sent during the warm-up.
 * @param sent             measured transactions sent.
 * @param finalized        measured transactions seen in a finalized block.
 * @param rejected         measured transactions not admitted when the run ended: refused for good, or refused
 *                         for now and still not let in.
 * @param errors           measured transactions not admitted because their last request failed (connection, timeout).
 * @param lost             measured transactions accepted but not finalized when the drain ended.
 * @param resent           sends repeated after a member refused a transaction for now or a request failed
 *                         (warm-up included): each is the same signed transaction, sent again after a backoff.
 * @param resentReasons    what the members said each time a transaction was refused for now ("txpool is full",
 *                         "nonce too high", "request failed", …), with how often (warm-up included).
 * @param latency          submit → finalized, µs, of the finalized measured transactions.
 * @param throughput       finalized measured transactions ÷ (last one's finalization − start of the measured window), tx/s.
 * @param backlog          warm-up transactions not yet finalized when the measured window began: a
 *                         large one means the warm-up was too short and the cold start is measured.
 * @param sendLag          how late the generator issued each measured send against its schedule, µs (its own health).
 * @param rejections       the first few refusal or failure messages.
 * @param troubledSenders  accounts with a refused, failed or lost transaction in this run (warm-up included).
 */
record RunResult(
    double rate,
    double warmupSeconds,
    double durationSeconds,
    long warmupSent,
    long sent,
    long finalized,
    long rejected,
    long errors,
    long lost,
    long resent,
    java.util.Map<String, Long> resentReasons,
    Histogram latency,
    double throughput,
    long backlog,
    Histogram sendLag,
    List<String> rejections,
    int[] troubledSenders)
{
    /**
     * Whether the rate is sustained: everything finalized, nothing refused (not even for a moment), p99
     * within the bound and finalized throughput at least 95% of the offered rate.
     */
    boolean sustained(final long maxP99Micros)
    {
        return sent > 0 && rejected == 0 && errors == 0 && lost == 0 && resent == 0 &&
            latency.getValueAtPercentile(99.0) <= maxP99Micros && throughput >= 0.95 * rate;
    }

    /** Whether the warm-up left more than 100 ms worth of sends unfinalized when measuring began. */
    boolean warmupTooShort()
    {
        return backlog > Math.max(1, rate / 10);
    }

    /** Why {@link #sustained(long)} is false, for the search's step line. */
    String verdict(final long maxP99Micros)
    {
        if (sent == 0)
        {
            return "nothing sent";
        }
        if (rejected + errors + lost > 0)
        {
            return (rejected + errors + lost) + " not finalized";
        }
        if (resent > 0)
        {
            return resent + " sends refused for now and repeated";
        }
        if (latency.getValueAtPercentile(99.0) > maxP99Micros)
        {
            return String.format("p99 above %.1f ms", maxP99Micros / 1000.0);
        }
        if (throughput < 0.95 * rate)
        {
            return "finalized below 95% of offered";
        }
        return "sustained";
    }
}
