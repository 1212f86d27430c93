package dev.seqnet.journal;

import org.agrona.DirectBuffer;

/**
 * Receives verified journal entries, in journal order, from {@link JournalReader}: the payload is the
 * caller's SBE message including its 8-byte message header, and its checksum has been checked.
 */
@FunctionalInterface
public interface JournalHandler
{
    /**
     * One entry. The buffer is owned by the reader and reused: copy what must outlive the call.
     *
     * @param index      Chronicle index of the entry (monotonic, not contiguous across roll cycles).
     * @param templateId SBE template id read from the payload's message header.
     * @param buffer     holds the payload.
     * @param offset     of the payload's SBE message header in {@code buffer}.
     * @param length     of the payload in bytes, message header included.
     */
    void onEntry(long index, int templateId, DirectBuffer buffer, int offset, int length);
}
